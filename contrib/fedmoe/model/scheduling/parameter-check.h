// SPDX-License-Identifier: GPL-2.0-only
/*
 * Parameter checks shared by the scheduling core: each throws
 * std::invalid_argument with a message naming the owner, the parameter, the bad
 * value and what is allowed.
 */

#ifndef FEDMOE_SCHEDULING_PARAMETER_CHECK_H
#define FEDMOE_SCHEDULING_PARAMETER_CHECK_H

#include <string>

namespace fedmoe
{
namespace scheduling
{
/** \addtogroup fedmoe-scheduling
 * @{
 */

/**
 * \brief Format a number for an error message (keeps NaN and inf readable).
 * \param value the number
 * \return its text
 */
std::string FormatValue(double value);

/**
 * \brief Throw std::invalid_argument "<owner>: <name> = <value> is invalid; must be <allowed>".
 * \param owner the class or function checking
 * \param name the parameter
 * \param value its value
 * \param allowed what is allowed
 */
[[noreturn]] void ThrowInvalid(const std::string& owner, const std::string& name, double value,
                               const std::string& allowed);

/**
 * \brief Require a finite number >= 0.
 * \param owner the class or function checking
 * \param name the parameter
 * \param value its value
 */
void RequireNonNegative(const std::string& owner, const std::string& name, double value);

/**
 * \brief Require a finite number > 0.
 * \param owner the class or function checking
 * \param name the parameter
 * \param value its value
 */
void RequirePositive(const std::string& owner, const std::string& name, double value);

/**
 * \brief Require a number in [low, high].
 * \param owner the class or function checking
 * \param name the parameter
 * \param value its value
 * \param low lowest allowed
 * \param high highest allowed
 */
void RequireInRange(const std::string& owner, const std::string& name, double value, double low,
                    double high);

/**
 * \brief Require a number in (0, 1].
 * \param owner the class or function checking
 * \param name the parameter
 * \param value its value
 */
void RequireUnitInterval(const std::string& owner, const std::string& name, double value);

/** @} */
} // namespace scheduling
} // namespace fedmoe

#endif // FEDMOE_SCHEDULING_PARAMETER_CHECK_H
