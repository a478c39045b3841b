// SPDX-License-Identifier: GPL-2.0-only
/*
 * FitPartialWork: a client too slow to meet the round deadline with one
 * expert and its full local work is given a share of the work that fits,
 * rather than nothing.
 */

#ifndef FEDMOE_SCHEDULING_PARTIAL_WORK_H
#define FEDMOE_SCHEDULING_PARTIAL_WORK_H

#include "alignment-input.h"

#include <vector>

namespace fedmoe
{
namespace scheduling
{
/** \addtogroup fedmoe-scheduling
 * @{
 */

/**
 * \brief The round's input with the work of slow clients cut to fit.
 */
struct PartialWork
{
    AlignmentInput input;          //!< the input, with the cut clients' samples scaled
    std::vector<double> fractions; //!< per participant: share of its work kept, (0, 1]
};

/**
 * \brief Share of its local work a client can do in the deadline with one
 *        expert: the largest f with network(expert) + f * compute(expert) <=
 *        budget (the round time is affine in the work: transfers and latency
 *        stay, compute scales).
 * \param rates the client's rates at full work
 * \param model the model cost
 * \param expert the expert
 * \param budgetS the deadline, s
 * \return f in [0, 1] (1: the full work fits; 0: not even the transfers do)
 */
double FittingWorkFraction(const ClientRates& rates, const ModelCost& model, uint32_t expert,
                           double budgetS);

/**
 * \brief Cut the work of every participant that cannot meet the deadline with
 *        its cheapest expert at full work, when a share of at least
 *        constraints.minWorkFraction would; others keep their work (fraction 1).
 *        With minWorkFraction = 1 or no deadline nothing changes.
 * \param input the round (validated by the caller)
 * \param memoryCaps experts each participant can hold (0: left alone)
 * \return the input to schedule on and the fractions
 */
PartialWork FitPartialWork(const AlignmentInput& input, const std::vector<uint32_t>& memoryCaps);

/**
 * \brief Write the fractions into an assignment made on PartialWork::input.
 * \param work the fitted input
 * \param assignment one entry per participant, in input order
 */
void ApplyWorkFractions(const PartialWork& work, Assignment& assignment);

/** @} */
} // namespace scheduling
} // namespace fedmoe

#endif // FEDMOE_SCHEDULING_PARTIAL_WORK_H
