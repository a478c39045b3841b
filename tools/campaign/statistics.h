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

/**
 * \brief Median of a sample and a distribution-free confidence interval for
 *        it: the order statistics x_(k) and x_(n+1-k) with the largest k for
 *        which P(Binomial(n, 1/2) < k) <= 0.025, so the interval covers the
 *        population median with probability >= 95 % (n = 10: x_(2), x_(9),
 *        97.9 %). Fewer than 6 values have no such interval (NaN bounds).
 */
struct MedianInterval
{
    size_t n{0};      //!< sample size
    double median{0}; //!< sample median (NaN when n = 0)
    double low{0};    //!< lower bound (NaN when n < 6)
    double high{0};   //!< upper bound (NaN when n < 6)
};

/**
 * \brief The median and its 95 % interval (see MedianInterval).
 * \param values the sample
 * \return the median and interval
 */
MedianInterval MedianConfidence95(std::vector<double> values);

} // namespace campaign
} // namespace fedmoe

#endif // FEDMOE_CAMPAIGN_STATISTICS_H
