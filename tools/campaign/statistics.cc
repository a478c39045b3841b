// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mean and 95 % confidence interval (Student t).
 */

#include "statistics.h"

#include <boost/math/distributions/students_t.hpp>

#include <cmath>
#include <limits>

namespace fedmoe
{
namespace campaign
{

MeanInterval
MeanConfidence95(const std::vector<double>& values)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    MeanInterval r;
    r.n = values.size();
    if (r.n == 0)
    {
        r.mean = nan;
        r.halfWidth = nan;
        return r;
    }
    double sum = 0;
    for (double v : values)
    {
        sum += v;
    }
    r.mean = sum / static_cast<double>(r.n);
    if (r.n < 2)
    {
        r.halfWidth = nan;
        return r;
    }
    double squares = 0;
    for (double v : values)
    {
        squares += (v - r.mean) * (v - r.mean);
    }
    const double sd = std::sqrt(squares / static_cast<double>(r.n - 1));
    boost::math::students_t t(static_cast<double>(r.n - 1));
    r.halfWidth = boost::math::quantile(t, 0.975) * sd / std::sqrt(static_cast<double>(r.n));
    return r;
}

} // namespace campaign
} // namespace fedmoe
