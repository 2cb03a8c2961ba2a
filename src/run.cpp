// SPDX-License-Identifier: LGPL-2.1-or-later
// Runs the selected operations on a target, logging each one's summary and
// collecting the errors for the failure report.
#include "run.h"

#include <cstdio>
#include <string_view>

#include "base/escape.h"
#include "base/remover.h"
#include "config.h"
#include "log.h"
#include "sys/capabilities.h"

namespace sysclean {

namespace {

// Error lines kept for the report; the count of the rest is stated. Bounded
// so that a tree of a million unremovable files cannot fill memory.
constexpr size_t kMaxReportedErrors = 100;

std::string quoted(const std::string &path)
{
	return "'" + escapePath(path) + "'";
}

// Counts, prints and logs what one operation changes.
class OperationSink : public ChangeSink
{
public:
	OperationSink(std::string_view name, const Options &options, RunReport &report)
		: name_(name), options_(options), report_(report)
	{
	}

	void changed(Change change, const std::string &path) override
	{
		switch (change) {
		case Change::Remove: files_++; break;
		case Change::RemoveDirectory: directories_++; break;
		case Change::Empty: emptied_++; break;
		}

		std::string_view verb = change == Change::Empty ? "empty" : "remove";
		if (options_.dryRun || options_.verbose) {
			std::string line = std::string(verb) + " " + escapePath(path) + "\n";
			std::fwrite(line.data(), 1, line.size(), stdout);
		}
		if (logEnabled(LogLevel::Debug))
			logMessage(LogLevel::Debug, std::string(name_) + ": " +
				   (options_.dryRun ? "would " : "") + std::string(verb) + " " + quoted(path));
	}

	void failed(std::string_view verb, const std::string &path, std::string_view reason) override
	{
		failures_++;
		std::string line = std::string(name_) + ": failed to " + std::string(verb) + " " +
				   quoted(path) + ": " + std::string(reason);
		logMessage(LogLevel::Error, line);

		report_.addError(std::move(line));
	}

	void skipped(const std::string &path, std::string_view reason) override
	{
		logMessage(LogLevel::Notice, std::string(name_) + ": skipped " + quoted(path) + ": " +
						     std::string(reason));
	}

	void noted(std::string_view message) override
	{
		logMessage(LogLevel::Info, std::string(name_) + ": " + std::string(message));
	}

	size_t failures() const { return failures_; }

	std::string summary() const
	{
		std::string line = std::string(name_) + ": ";
		std::string prefix = options_.dryRun ? "would " : "";
		std::vector<std::string> parts;

		if (files_ || directories_) {
			std::string part = prefix + (options_.dryRun ? "remove " : "removed ") +
					   std::to_string(files_) + (files_ == 1 ? " file" : " files");
			if (directories_)
				part += ", " + std::to_string(directories_) +
					(directories_ == 1 ? " directory" : " directories");
			parts.push_back(part);
		}
		if (emptied_)
			parts.push_back(prefix + (options_.dryRun ? "empty " : "emptied ") + std::to_string(emptied_));
		if (failures_)
			parts.push_back(std::to_string(failures_) + (failures_ == 1 ? " error" : " errors"));
		if (parts.empty())
			return line + "nothing to do";

		for (size_t i = 0; i < parts.size(); i++)
			line += (i ? ", " : "") + parts[i];
		return line;
	}

private:
	std::string_view name_;
	const Options &options_;
	RunReport &report_;
	size_t files_ = 0;
	size_t directories_ = 0;
	size_t emptied_ = 0;
	size_t failures_ = 0;
};

} // namespace

void RunReport::addError(std::string line)
{
	errorCount++;
	if (errors.size() < kMaxReportedErrors)
		errors.push_back(std::move(line));
}

std::string RunReport::format() const
{
	std::string text = "sysclean " SYSCLEAN_VERSION " failed: ";
	for (size_t i = 0; i < failedOperations.size(); i++)
		text += (i ? ", " : "") + failedOperations[i];
	text += "\n\n";

	for (const std::string &line : errors)
		text += line + "\n";
	if (errorCount > errors.size())
		text += "... and " + std::to_string(errorCount - errors.size()) + " more errors\n";

	text += "\nFix the causes, then run 'touch /etc/sysclean-pending' and reboot,\n"
		"or run 'sysclean --yes' on the running system.\n";
	return text;
}

void runOperations(const Root &root, const std::vector<const Operation *> &operations,
		   const Options &options, const std::set<uint64_t> &ownMounts, RunReport &report)
{
	DryRunLedger ledger;

	for (const Operation *operation : operations) {
		OperationSink sink(operation->name, options, report);
		Remover remover(root, sink, options.dryRun ? &ledger : nullptr);
		remover.setOwnMounts(&ownMounts);
		OperationContext context{root, remover, options.live, options.liveSettings};

		// Removal walks directories of other users (homes, 0700 log
		// directories) and unlinks in sticky directories. Not root: no
		// capabilities to raise, and the user's own files still work.
		Result<CapabilityScope> scope = CapabilityScope::raise(
			{Capability::DacOverride, Capability::DacReadSearch, Capability::Fowner});
		if (!scope)
			logMessage(LogLevel::Debug, "cannot raise capabilities for removal: " +
							    scope.error().message());

		Status status = operation->run(context);

		// Every failure is expected to reach the sink; a status that failed
		// without one still counts.
		if (!status.ok() && sink.failures() == 0)
			sink.failed("run", "/", status.error().message());

		std::fflush(stdout);
		logMessage(sink.failures() ? LogLevel::Error : LogLevel::Info, sink.summary());
		if (sink.failures())
			report.failedOperations.emplace_back(operation->name);
	}
}

} // namespace sysclean
