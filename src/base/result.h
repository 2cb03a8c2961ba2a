// SPDX-License-Identifier: LGPL-2.1-or-later
// A value or the std::error_code that explains why there is none; GCC 12 has
// no std::expected in C++20.
#pragma once

#include <cerrno>
#include <system_error>
#include <utility>
#include <variant>

namespace sysclean {

// Builds an error_code in the generic category from an errno value.
inline std::error_code errnoCode(int error)
{
	return {error, std::generic_category()};
}

template <typename T>
class [[nodiscard]] Result
{
public:
	Result(T value) : state_(std::move(value)) {}
	Result(std::error_code error) : state_(error) {}

	bool ok() const { return std::holds_alternative<T>(state_); }
	explicit operator bool() const { return ok(); }

	T &value() { return std::get<T>(state_); }
	const T &value() const { return std::get<T>(state_); }
	T &operator*() { return value(); }
	T *operator->() { return &value(); }

	// Returns the error, or an empty error_code when a value is held.
	std::error_code error() const
	{
		if (const auto *error = std::get_if<std::error_code>(&state_))
			return *error;
		return {};
	}

private:
	std::variant<T, std::error_code> state_;
};

// The outcome of an action that produces no value: an empty error_code is
// success.
class [[nodiscard]] Status
{
public:
	Status() = default;
	Status(std::error_code error) : error_(error) {}

	static Status fromErrno(int error) { return Status(errnoCode(error)); }

	bool ok() const { return !error_; }
	explicit operator bool() const { return ok(); }
	std::error_code error() const { return error_; }

	// Keeps the first failure: the walk goes on and reports what broke first.
	void update(const Status &other)
	{
		if (ok() && !other.ok())
			error_ = other.error_;
	}

private:
	std::error_code error_;
};

} // namespace sysclean
