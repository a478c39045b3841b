// SPDX-License-Identifier: GPL-2.0-only
/*
 * ExpertUsageTracker: EMA of per-expert training load and load-balance figures.
 */

#include "expert-usage-tracker.h"

#include "parameter-check.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace fedmoe
{
namespace scheduling
{

namespace
{
const std::string kOwner = "ExpertUsageTracker";
} // namespace

void
UsageParameters::Validate() const
{
    RequireUnitInterval(kOwner, "smoothing", smoothing);
}

ExpertUsageTracker::ExpertUsageTracker(uint32_t numExperts, const UsageParameters& parameters)
    : m_parameters(parameters)
{
    m_parameters.Validate();
    if (numExperts == 0)
    {
        ThrowInvalid(kOwner, "numExperts", 0, ">= 1");
    }
    m_usage.assign(numExperts, 0.0);
    m_round.assign(numExperts, 0.0);
    m_lastRound.assign(numExperts, 0.0);
}

void
ExpertUsageTracker::AddLoad(uint32_t expert, double load)
{
    if (expert >= m_usage.size())
    {
        throw std::out_of_range(kOwner + ": expert = " + std::to_string(expert)
                                + " is invalid; must be < " + std::to_string(m_usage.size()));
    }
    RequireNonNegative(kOwner, "load", load);
    m_round[expert] += load;
}

void
ExpertUsageTracker::EndRound()
{
    const double s = m_parameters.smoothing;
    for (std::size_t e = 0; e < m_usage.size(); ++e)
    {
        m_usage[e] = (1.0 - s) * m_usage[e] + s * m_round[e];
    }
    m_lastRound.swap(m_round);
    std::fill(m_round.begin(), m_round.end(), 0.0);
}

double
ExpertUsageTracker::Usage(uint32_t expert) const
{
    return m_usage.at(expert);
}

const std::vector<double>&
ExpertUsageTracker::Usages() const
{
    return m_usage;
}

const std::vector<double>&
ExpertUsageTracker::RoundLoads() const
{
    return m_round;
}

const std::vector<double>&
ExpertUsageTracker::LastRoundLoads() const
{
    return m_lastRound;
}

uint32_t
ExpertUsageTracker::NumExperts() const
{
    return static_cast<uint32_t>(m_usage.size());
}

LoadBalanceStats
ExpertUsageTracker::Stats(const std::vector<double>& loads)
{
    if (loads.empty())
    {
        throw std::invalid_argument(kOwner + ": Stats needs at least one load; got none");
    }
    for (std::size_t e = 0; e < loads.size(); ++e)
    {
        RequireNonNegative(kOwner, "loads[" + std::to_string(e) + "]", loads[e]);
    }
    const double n = static_cast<double>(loads.size());
    LoadBalanceStats stats;
    stats.min = *std::min_element(loads.begin(), loads.end());
    stats.max = *std::max_element(loads.begin(), loads.end());
    double sum = 0.0;
    for (double x : loads)
    {
        sum += x;
    }
    stats.mean = sum / n;
    if (stats.mean <= 0.0)
    {
        return stats;
    }
    double squares = 0.0;
    for (double x : loads)
    {
        squares += (x - stats.mean) * (x - stats.mean);
    }
    stats.coefficientOfVariation = std::sqrt(squares / n) / stats.mean;
    // Gini from the sorted loads: sum_i (2i - n - 1) x_i / (n sum), i = 1..n.
    std::vector<double> sorted(loads);
    std::sort(sorted.begin(), sorted.end());
    double weighted = 0.0;
    for (std::size_t i = 0; i < sorted.size(); ++i)
    {
        weighted += (2.0 * static_cast<double>(i + 1) - n - 1.0) * sorted[i];
    }
    stats.gini = weighted / (n * sum);
    return stats;
}

} // namespace scheduling
} // namespace fedmoe
