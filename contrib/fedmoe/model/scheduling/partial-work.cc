// SPDX-License-Identifier: GPL-2.0-only
/*
 * FitPartialWork: cut the local work of clients too slow for the deadline.
 */

#include "partial-work.h"

#include <algorithm>
#include <cmath>

namespace fedmoe
{
namespace scheduling
{

namespace
{
/// Below the deadline by this share, so that the fitted work stays inside it
/// after the policies' own margin (SequentialAligner's budget).
constexpr double kMargin = 1e-6;
} // namespace

double
FittingWorkFraction(const ClientRates& rates, const ModelCost& model, uint32_t expert,
                    double budgetS)
{
    const ExpertCost& cost = model.experts.at(expert);
    const double r = rates.completionRatio;
    const double compute = r * rates.samplesTimesEpochs
                           * (model.sharedTrainFlopsPerSample + cost.trainFlopsPerSample)
                           * rates.secondsPerFlop;
    const double total = rates.fixedS + CapacityEstimator::ExpertTime(rates, cost);
    const double network = total - compute;
    if (network >= budgetS)
    {
        return 0.0;
    }
    if (total <= budgetS || compute <= 0.0)
    {
        return 1.0;
    }
    return std::clamp((budgetS - network) / compute, 0.0, 1.0);
}

PartialWork
FitPartialWork(const AlignmentInput& input, const std::vector<uint32_t>& memoryCaps)
{
    PartialWork work;
    work.input = input;
    work.fractions.assign(input.clients.size(), 1.0);
    const double minFraction = input.constraints.minWorkFraction;
    const double deadline = input.constraints.deadlineS;
    if (minFraction >= 1.0 || !std::isfinite(deadline))
    {
        return work;
    }
    const double budget = deadline * (1.0 - kMargin);
    const CapacityEstimator estimator(input.capacity);
    for (std::size_t i = 0; i < input.clients.size(); ++i)
    {
        if (memoryCaps.at(i) == 0)
        {
            continue;
        }
        const ClientInfo& client = input.clients[i];
        const ClientRates rates
            = estimator.Rates(client.profile, client.channel, client.samples, input.model);
        double best = 0.0;
        for (uint32_t e = 0; e < input.NumExperts() && best < 1.0; ++e)
        {
            best = std::max(best, FittingWorkFraction(rates, input.model, e, budget));
        }
        if (best < 1.0 && best >= minFraction)
        {
            work.fractions[i] = best;
            work.input.clients[i].samples = client.samples * best;
        }
    }
    return work;
}

void
ApplyWorkFractions(const PartialWork& work, Assignment& assignment)
{
    for (std::size_t i = 0; i < assignment.clients.size() && i < work.fractions.size(); ++i)
    {
        assignment.clients[i].workFraction
            = assignment.clients[i].experts.empty() ? 1.0 : work.fractions[i];
    }
}

} // namespace scheduling
} // namespace fedmoe
