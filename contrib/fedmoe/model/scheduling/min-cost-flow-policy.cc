// SPDX-License-Identifier: GPL-2.0-only
/*
 * MinCostFlowPolicy: global assignment as a min-cost max-flow with Boost.Graph.
 */

#include "min-cost-flow-policy.h"

#include "parameter-check.h"
#include "partial-work.h"
#include "sequential-aligner.h"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/successive_shortest_path_nonnegative_weights.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>

namespace fedmoe
{
namespace scheduling
{

namespace
{

const char* const kOwner = "MinCostFlowPolicy";

using Cost = int64_t;
using Traits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
using Edge = Traits::edge_descriptor;
using Graph = boost::adjacency_list<
    boost::vecS, boost::vecS, boost::directedS, boost::no_property,
    boost::property<boost::edge_capacity_t, Cost,
                    boost::property<boost::edge_residual_capacity_t, Cost,
                                    boost::property<boost::edge_reverse_t, Edge,
                                                    boost::property<boost::edge_weight_t, Cost>>>>>;

/** Adds an arc and its residual twin; returns the arc. */
Edge
AddArc(Graph& graph, std::size_t from, std::size_t to, Cost capacity, Cost cost)
{
    const Edge forward = boost::add_edge(from, to, graph).first;
    const Edge backward = boost::add_edge(to, from, graph).first;
    boost::put(boost::edge_capacity, graph, forward, capacity);
    boost::put(boost::edge_capacity, graph, backward, 0);
    boost::put(boost::edge_reverse, graph, forward, backward);
    boost::put(boost::edge_reverse, graph, backward, forward);
    boost::put(boost::edge_weight, graph, forward, cost);
    boost::put(boost::edge_weight, graph, backward, -cost);
    return forward;
}

/** A client's candidate experts: all that fit, or the best capacity + slack and the seed's. */
std::vector<uint32_t>
Candidates(const DesirabilityModel& model, std::size_t client, uint32_t capacity, uint32_t slack,
           double budget, bool timed, const std::vector<uint32_t>& order,
           const std::vector<uint32_t>& seed)
{
    std::vector<uint32_t> experts;
    experts.reserve(order.size());
    for (uint32_t e : order)
    {
        if (!timed || model.ExpertTime(client, e) <= budget)
        {
            experts.push_back(e);
        }
    }
    const std::size_t keep = std::size_t{capacity} + slack;
    if (slack == 0 || keep >= experts.size())
    {
        return experts;
    }
    auto desirability = [&](uint32_t e)
    {
        return model.PairScore(client, e) - model.UsagePenalty(e, 0.0);
    };
    auto better = [&](uint32_t a, uint32_t b)
    {
        return desirability(a) > desirability(b);
    };
    std::nth_element(experts.begin(), experts.begin() + (keep - 1), experts.end(), better);
    std::vector<uint32_t> kept(experts.begin(), experts.begin() + keep);
    for (uint32_t e : seed)
    {
        if (std::find(kept.begin(), kept.end(), e) == kept.end())
        {
            kept.push_back(e);
        }
    }
    return kept;
}

/** What the flow graph is built from. */
struct FlowProblem
{
    std::vector<uint32_t> caps;                    //!< experts each participant takes
    std::vector<std::vector<uint32_t>> candidates; //!< experts each participant may take
    std::vector<uint32_t> slots;                   //!< trainer slots per expert
    uint32_t minTrainers = 0;                      //!< slots without surcharge
    double resolution = 1e-6;                      //!< cost unit in score units
};

/**
 * Min-cost max-flow over source -> client -> expert -> slot -> sink with
 * integer costs; returns the experts each participant gets.
 */
std::vector<std::vector<uint32_t>>
Solve(const DesirabilityModel& model, const FlowProblem& problem)
{
    const std::size_t numClients = problem.caps.size();
    const std::size_t numExperts = problem.slots.size();
    const double scale = 1.0 / problem.resolution;
    auto toCost = [scale](double x)
    {
        return static_cast<Cost>(std::llround(x * scale));
    };
    std::vector<std::vector<uint32_t>> chosen(numClients);

    Cost bestPair = std::numeric_limits<Cost>::min();
    Cost worstPair = std::numeric_limits<Cost>::max();
    std::size_t totalFlow = 0;
    for (std::size_t i = 0; i < numClients; ++i)
    {
        for (uint32_t e : problem.candidates[i])
        {
            const Cost score = toCost(model.PairScore(i, e));
            bestPair = std::max(bestPair, score);
            worstPair = std::min(worstPair, score);
        }
        totalFlow += std::min<std::size_t>(problem.caps[i], problem.candidates[i].size());
    }
    if (totalFlow == 0)
    {
        return chosen;
    }
    Cost worstSlot = 0;
    for (uint32_t e = 0; e < numExperts; ++e)
    {
        if (problem.slots[e] > 0)
        {
            worstSlot = std::max(worstSlot, toCost(model.SlotPenalty(e, problem.slots[e] - 1)));
        }
    }
    // Pair costs are offset to be >= 1; slots beyond the minimum carry a
    // surcharge above any change of score a whole flow could make, so meeting
    // minimums comes before desirability.
    const Cost pairOffset = bestPair + 1;
    const Cost surcharge
        = static_cast<Cost>(totalFlow + 1) * (pairOffset - worstPair + worstSlot + 1);
    if (surcharge <= 0 || surcharge > std::numeric_limits<Cost>::max() / 64
        || static_cast<double>(surcharge) * (numClients + numExperts + 2)
               > static_cast<double>(std::numeric_limits<Cost>::max()) / 4)
    {
        throw std::invalid_argument(std::string(kOwner)
                                    + ": the instance's cost range overflows 64-bit integers;"
                                      " raise scoreResolution or reduce the instance");
    }

    const std::size_t source = 0;
    const std::size_t sink = 1 + numClients + numExperts;
    Graph graph(sink + 1);
    std::vector<std::vector<std::pair<uint32_t, Edge>>> pairArcs(numClients);
    for (std::size_t i = 0; i < numClients; ++i)
    {
        if (problem.candidates[i].empty() || problem.caps[i] == 0)
        {
            continue;
        }
        AddArc(graph, source, 1 + i, problem.caps[i], 0);
        for (uint32_t e : problem.candidates[i])
        {
            const Cost cost = pairOffset - toCost(model.PairScore(i, e));
            pairArcs[i].emplace_back(e, AddArc(graph, 1 + i, 1 + numClients + e, 1, cost));
        }
    }
    for (uint32_t e = 0; e < numExperts; ++e)
    {
        for (uint32_t j = 0; j < problem.slots[e]; ++j)
        {
            const Cost cost
                = toCost(model.SlotPenalty(e, j)) + (j >= problem.minTrainers ? surcharge : 0);
            AddArc(graph, 1 + numClients + e, sink, 1, cost);
        }
    }

    boost::successive_shortest_path_nonnegative_weights(graph, source, sink);

    for (std::size_t i = 0; i < numClients; ++i)
    {
        for (const auto& [expert, arc] : pairArcs[i])
        {
            if (boost::get(boost::edge_residual_capacity, graph, arc) == 0)
            {
                chosen[i].push_back(expert);
            }
        }
    }
    return chosen;
}

/**
 * With heterogeneous expert times a flow can exceed a client's deadline: drop
 * its least desirable experts until the set fits.
 */
void
FitDeadline(const AlignmentInput& input, const DesirabilityModel& model, std::size_t client,
            std::vector<uint32_t>& experts)
{
    std::sort(experts.begin(), experts.end(),
              [&](uint32_t a, uint32_t b)
              {
                  return model.PairScore(client, a) > model.PairScore(client, b);
              });
    double time = 0.0;
    for (uint32_t e : experts)
    {
        time += model.ExpertTime(client, e);
    }
    const double budget = ExpertTimeBudget(input, model.Rates(client));
    while (!experts.empty() && time > budget)
    {
        time -= model.ExpertTime(client, experts.back());
        experts.pop_back();
    }
}

} // namespace

void
MinCostFlowParameters::Validate() const
{
    Weights().Validate(kOwner);
    if (!(scoreResolution > 0.0 && scoreResolution <= 1e-2))
    {
        ThrowInvalid(kOwner, "scoreResolution", scoreResolution, "in (0, 0.01]");
    }
}

DesirabilityWeights
MinCostFlowParameters::Weights() const
{
    DesirabilityWeights weights;
    weights.fitnessWeight = fitnessWeight;
    weights.usageWeight = usageWeight;
    weights.projectionWeight = projectionWeight;
    weights.latencyWeight = latencyWeight;
    return weights;
}

MinCostFlowPolicy::MinCostFlowPolicy(const MinCostFlowParameters& parameters)
{
    SetParameters(parameters);
}

std::string
MinCostFlowPolicy::Name() const
{
    return "min-cost-flow";
}

Assignment
MinCostFlowPolicy::Assign(const AlignmentInput& original, std::mt19937_64& rng) const
{
    const std::vector<uint32_t> memoryCaps = original.Capacities(kOwner);
    // Clients too slow for the deadline even with one expert get a share of the work.
    const bool cut = m_parameters.enforceDeadline && original.constraints.minWorkFraction < 1.0
                     && std::isfinite(original.constraints.deadlineS);
    PartialWork work;
    if (cut)
    {
        work = FitPartialWork(original, memoryCaps);
    }
    const AlignmentInput& input = cut ? work.input : original;
    const std::size_t numClients = input.clients.size();
    const uint32_t numExperts = input.NumExperts();
    const DesirabilityModel model(input, memoryCaps, m_parameters.Weights());
    const bool timed = m_parameters.enforceDeadline && std::isfinite(input.constraints.deadlineS);
    const std::vector<uint32_t> caps
        = timed ? DeadlineCapacities(input, model, memoryCaps) : memoryCaps;

    // The sequential solution, from the same engine state as the sequential
    // policies get: the restricted graph always contains it, and the result is
    // never worse than it.
    Assignment seed = SequentialAligner(kOwner, m_parameters.Weights(),
                                        m_parameters.enforceDeadline, m_parameters.enforceDeadline)
                          .Run(input, rng);
    if (cut)
    {
        ApplyWorkFractions(work, seed);
    }
    const bool small = numClients * numExperts <= m_parameters.exactUpToPairs;
    const uint32_t candidateSlack = small ? 0 : m_parameters.candidateSlack;
    const uint32_t slotSlack = small ? 0 : m_parameters.slotSlack;
    const bool restricted = candidateSlack > 0 || slotSlack > 0;

    // Arc insertion order decides among equal-cost optima: draw it from the engine.
    std::vector<uint32_t> expertOrder(numExperts);
    std::iota(expertOrder.begin(), expertOrder.end(), 0U);
    for (uint32_t n = numExperts; n > 1; --n)
    {
        std::swap(expertOrder[n - 1], expertOrder[rng() % n]);
    }

    FlowProblem problem;
    problem.caps = caps;
    problem.candidates.resize(numClients);
    problem.minTrainers = input.constraints.minTrainersPerExpert;
    problem.resolution = m_parameters.scoreResolution;
    std::vector<uint32_t> degree(numExperts, 0);
    static const std::vector<uint32_t> none;
    for (std::size_t i = 0; i < numClients; ++i)
    {
        if (caps[i] == 0)
        {
            continue;
        }
        const double budget = timed ? ExpertTimeBudget(input, model.Rates(i)) : 0.0;
        problem.candidates[i]
            = Candidates(model, i, caps[i], candidateSlack, budget, timed, expertOrder,
                         restricted ? seed.clients[i].experts : none);
        for (uint32_t e : problem.candidates[i])
        {
            degree[e] += 1;
        }
    }
    const uint32_t maxTrainers = input.constraints.maxTrainersPerExpert == 0
                                     ? std::numeric_limits<uint32_t>::max()
                                     : input.constraints.maxTrainersPerExpert;
    const std::vector<uint32_t> seedTrainers
        = restricted ? seed.TrainerCounts(numExperts) : std::vector<uint32_t>(numExperts, 0);
    problem.slots.resize(numExperts);
    for (uint32_t e = 0; e < numExperts; ++e)
    {
        problem.slots[e] = std::min(degree[e], maxTrainers);
        if (slotSlack > 0)
        {
            const uint32_t wanted = std::max(seedTrainers[e], problem.minTrainers) + slotSlack;
            problem.slots[e] = std::min(problem.slots[e], wanted);
        }
    }

    Assignment assignment;
    assignment.clients.resize(numClients);
    std::vector<std::vector<uint32_t>> chosen = Solve(model, problem);
    for (std::size_t i = 0; i < numClients; ++i)
    {
        auto& experts = assignment.clients[i].experts;
        assignment.clients[i].client = input.clients[i].id;
        experts = std::move(chosen[i]);
        if (timed)
        {
            FitDeadline(input, model, i, experts);
        }
        std::sort(experts.begin(), experts.end());
    }
    if (cut)
    {
        ApplyWorkFractions(work, assignment);
    }
    // Dropping experts to meet a deadline (heterogeneous experts) can lose
    // against the sequential solution: never return worse than it.
    if (!model.Evaluate(assignment).AtLeast(model.Evaluate(seed), 0.0))
    {
        return seed;
    }
    return assignment;
}

void
MinCostFlowPolicy::SetParameters(const MinCostFlowParameters& parameters)
{
    parameters.Validate();
    m_parameters = parameters;
}

const MinCostFlowParameters&
MinCostFlowPolicy::GetParameters() const
{
    return m_parameters;
}

} // namespace scheduling
} // namespace fedmoe
