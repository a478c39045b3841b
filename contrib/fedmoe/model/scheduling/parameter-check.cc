// SPDX-License-Identifier: GPL-2.0-only
/*
 * Parameter checks shared by the scheduling core.
 */

#include "parameter-check.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace fedmoe
{
namespace scheduling
{

std::string
FormatValue(double value)
{
    std::ostringstream text;
    text << value;
    return text.str();
}

void
ThrowInvalid(const std::string& owner, const std::string& name, double value,
             const std::string& allowed)
{
    throw std::invalid_argument(owner + ": " + name + " = " + FormatValue(value)
                                + " is invalid; must be " + allowed);
}

void
RequireNonNegative(const std::string& owner, const std::string& name, double value)
{
    if (!std::isfinite(value) || value < 0.0)
    {
        ThrowInvalid(owner, name, value, "a finite number >= 0");
    }
}

void
RequirePositive(const std::string& owner, const std::string& name, double value)
{
    if (!std::isfinite(value) || value <= 0.0)
    {
        ThrowInvalid(owner, name, value, "a finite number > 0");
    }
}

void
RequireInRange(const std::string& owner, const std::string& name, double value, double low,
               double high)
{
    if (!(value >= low && value <= high))
    {
        ThrowInvalid(owner, name, value,
                     "in [" + FormatValue(low) + ", " + FormatValue(high) + "]");
    }
}

void
RequireUnitInterval(const std::string& owner, const std::string& name, double value)
{
    if (!(value > 0.0 && value <= 1.0))
    {
        ThrowInvalid(owner, name, value, "in (0, 1]");
    }
}

} // namespace scheduling
} // namespace fedmoe
