// SPDX-License-Identifier: LGPL-2.1-or-later
// A move-only owner of one file descriptor, closed when the owner goes away.
#pragma once

#include <utility>

namespace sysclean {

class UniqueFd
{
public:
	UniqueFd() = default;
	explicit UniqueFd(int fd) : fd_(fd) {}
	~UniqueFd() { reset(); }

	UniqueFd(const UniqueFd &) = delete;
	UniqueFd &operator=(const UniqueFd &) = delete;
	UniqueFd(UniqueFd &&other) noexcept : fd_(other.release()) {}
	UniqueFd &operator=(UniqueFd &&other) noexcept
	{
		if (this != &other)
			reset(other.release());
		return *this;
	}

	int get() const { return fd_; }
	bool valid() const { return fd_ >= 0; }

	// Gives up ownership and returns the descriptor.
	int release() { return std::exchange(fd_, -1); }

	// Closes the held descriptor, if any, and takes ownership of fd.
	void reset(int fd = -1);

private:
	int fd_ = -1;
};

} // namespace sysclean
