// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeShareCapacity: how flows that share links and cells divide them, as a
 * weighted max-min fair allocation (progressive filling). Plain C++: no
 * ns-3; the flow-level network (FedMoeFlowNetwork) calls it whenever its set
 * of flows or their channels change.
 *
 * The model is SimGrid's linear max-min system (Velho, Schnorr, Casanova,
 * Legrand, "On the validity of flow-level TCP network models for grid and
 * cloud simulations", ACM TOMACS 23(4), 2013): resource r has a capacity
 * C_r; flow f uses a_fr units of it per bit/s and has a weight w_f and an
 * own bound b_f; the allocation maximises the smallest x_f / w_f subject to
 * sum_f a_fr x_f <= C_r and x_f <= b_f, then the next smallest, and so on.
 */

#ifndef FEDMOE_FLOW_SHARING_H
#define FEDMOE_FLOW_SHARING_H

#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace ns3
{

/**
 * \ingroup fedmoe-federation
 * \brief What one flow asks of the resources it crosses.
 *
 * A cell's airtime is a resource of capacity 1 (second per second): a flow
 * whose station sends at r bit/s uses 1/r of it per bit/s. With weight 1 for
 * every flow the cell's flows get equal throughput (802.11 DCF: each station
 * gets as many frames through as the others, so slow stations slow everyone,
 * Heusse et al., INFOCOM 2003); with weight r they get equal airtime (the
 * equal resource-block share of LTE's round-robin and proportional-fair
 * schedulers among backlogged UEs).
 */
struct FedMoeFlowDemand
{
    /// (resource index, units of the resource per bit/s of the flow), each > 0
    std::vector<std::pair<uint32_t, double>> uses;
    double weight{1.0}; //!< share weight, > 0
    /// the flow's own bound (TCP window / RTT), bit/s, >= 0
    double bound{std::numeric_limits<double>::infinity()};
};

/**
 * \brief Weighted max-min fair rates of flows over shared resources.
 * \param capacity capacity of each resource (>= 0)
 * \param flows the flows (a flow with neither a use nor a finite bound is an error)
 * \return the rate of each flow, bit/s (0 for a flow crossing a resource of capacity 0)
 * \throws std::invalid_argument on a bad resource index, a cost or weight
 *         that is not finite and positive, a negative bound or capacity, or an
 *         unbounded flow
 *
 * Each step raises the common level of the unfrozen flows until a resource
 * saturates or a flow reaches its bound, then freezes those flows: at most
 * one step per flow, each costing the resources touched.
 */
std::vector<double> FedMoeShareCapacity(const std::vector<double>& capacity,
                                        const std::vector<FedMoeFlowDemand>& flows);

} // namespace ns3

#endif // FEDMOE_FLOW_SHARING_H
