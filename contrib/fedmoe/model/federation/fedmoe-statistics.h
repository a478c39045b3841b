// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeMedian: the median the scenario programs report. Plain C++.
 */

#ifndef FEDMOE_STATISTICS_H
#define FEDMOE_STATISTICS_H

#include <algorithm>
#include <cmath>
#include <vector>

namespace ns3
{

/**
 * \ingroup fedmoe-federation
 * \brief The median of the finite values.
 * \param values the values (NaN and infinities are left out)
 * \return the median (NaN if no value is finite)
 */
inline double
FedMoeMedian(std::vector<double> values)
{
    values.erase(std::remove_if(values.begin(), values.end(),
                                [](double x)
                                {
                                    return !std::isfinite(x);
                                }),
                 values.end());
    if (values.empty())
    {
        return NAN;
    }
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

} // namespace ns3

#endif // FEDMOE_STATISTICS_H
