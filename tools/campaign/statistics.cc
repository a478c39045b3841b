// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mean and 95 % confidence interval (Student t).
 */

#include "statistics.h"

#include <boost/math/distributions/students_t.hpp>

#include <algorithm>
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

MedianInterval
MedianConfidence95(std::vector<double> values)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    MedianInterval r;
    r.n = values.size();
    r.median = nan;
    r.low = nan;
    r.high = nan;
    if (r.n == 0)
    {
        return r;
    }
    std::sort(values.begin(), values.end());
    const size_t n = r.n;
    r.median = n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
    // P(B < k) for B ~ Binomial(n, 1/2), summed while it stays <= 0.025.
    double below = 0;
    double term = std::pow(0.5, static_cast<double>(n)); // P(B = 0)
    size_t k = 0;
    while (k < n / 2 && below + term <= 0.025)
    {
        below += term;
        ++k;
        term *= static_cast<double>(n - k + 1) / static_cast<double>(k);
    }
    if (k >= 1)
    {
        r.low = values[k - 1];
        r.high = values[n - k];
    }
    return r;
}

} // namespace campaign
} // namespace fedmoe
