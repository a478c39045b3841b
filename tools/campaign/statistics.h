// SPDX-License-Identifier: GPL-2.0-only
/*
 * Mean and 95 % confidence interval (Student t) of a sample.
 */

#ifndef FEDMOE_CAMPAIGN_STATISTICS_H
#define FEDMOE_CAMPAIGN_STATISTICS_H

#include <cstddef>
#include <vector>

namespace fedmoe
{
namespace campaign
{

/**
 * \brief Mean of a sample and the half-width of its 95 % confidence interval.
 */
struct MeanInterval
{
    size_t n{0};         //!< sample size
    double mean{0};      //!< sample mean (NaN when n = 0)
    double halfWidth{0}; //!< t_{0.975, n-1} * s / sqrt(n) (NaN when n < 2)
};

/**
 * \brief Mean and 95 % confidence half-width, with the sample standard
 *        deviation (n - 1) and Student's t quantile (Boost.Math).
 * \param values the sample (NaN values must be removed by the caller)
 * \return n, mean, half-width
 */
MeanInterval MeanConfidence95(const std::vector<double>& values);

} // namespace campaign
} // namespace fedmoe

#endif // FEDMOE_CAMPAIGN_STATISTICS_H
