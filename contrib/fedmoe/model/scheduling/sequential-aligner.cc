// SPDX-License-Identifier: GPL-2.0-only
/*
 * SequentialAligner: client-by-client top-ranked selection with projected usage.
 */

#include "sequential-aligner.h"

#include "partial-work.h"
#include "tie-breaker.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace fedmoe
{
namespace scheduling
{

namespace
{

/** An expert as one client sees it. */
struct Candidate
{
    double score;    //!< desirability
    uint32_t key;    //!< tie rank
    uint32_t expert; //!< expert id
};

bool
Better(const Candidate& a, const Candidate& b)
{
    return a.score != b.score ? a.score > b.score : a.key < b.key;
}

/**
 * Take up to m of the best candidates into chosen, within the time budget when
 * there is one: the top m in order, then, only if some did not fit, the rest.
 */
void
PickTop(std::vector<Candidate>& candidates, std::size_t m, bool timed, double& budget,
        const std::vector<double>& times, std::vector<uint32_t>& chosen)
{
    if (m == 0 || candidates.empty())
    {
        return;
    }
    const std::size_t top = std::min(m, candidates.size());
    if (top < candidates.size())
    {
        std::nth_element(candidates.begin(), candidates.begin() + (top - 1), candidates.end(),
                         Better);
    }
    std::sort(candidates.begin(), candidates.begin() + top, Better);
    std::size_t picked = 0;
    auto tryTake = [&](const Candidate& candidate)
    {
        if (timed)
        {
            const double time = times[candidate.expert];
            if (time > budget)
            {
                return;
            }
            budget -= time;
        }
        chosen.push_back(candidate.expert);
        ++picked;
    };
    for (std::size_t j = 0; j < top; ++j)
    {
        tryTake(candidates[j]);
    }
    if (picked < m && timed && top < candidates.size())
    {
        std::sort(candidates.begin() + top, candidates.end(), Better);
        for (std::size_t j = top; j < candidates.size() && picked < m; ++j)
        {
            tryTake(candidates[j]);
        }
    }
}

/**
 * The k best of a stream of candidates: a heap whose front is the worst kept,
 * so most candidates cost one comparison (O(E log k) rather than a sort).
 */
class TopK
{
  public:
    /** Start a new selection of k. */
    void Reset(std::size_t k)
    {
        m_k = k;
        m_kept.clear();
    }

    /** Consider one candidate. */
    void Offer(const Candidate& candidate)
    {
        if (m_kept.size() < m_k)
        {
            m_kept.push_back(candidate);
            std::push_heap(m_kept.begin(), m_kept.end(), Better);
        }
        else if (m_k > 0 && Better(candidate, m_kept.front()))
        {
            std::pop_heap(m_kept.begin(), m_kept.end(), Better);
            m_kept.back() = candidate;
            std::push_heap(m_kept.begin(), m_kept.end(), Better);
        }
    }

    /** Append the kept experts to chosen. */
    void Take(std::vector<uint32_t>& chosen) const
    {
        for (const auto& candidate : m_kept)
        {
            chosen.push_back(candidate.expert);
        }
    }

  private:
    std::size_t m_k = 0;           //!< how many to keep
    std::vector<Candidate> m_kept; //!< heap of the best so far
};

} // namespace

double
ExpertTimeBudget(const AlignmentInput& input, const ClientRates& rates)
{
    const double deadline = input.constraints.deadlineS;
    return deadline * (1.0 - 1e-9) - rates.fixedS;
}

std::vector<uint32_t>
DeadlineCapacities(const AlignmentInput& input, const DesirabilityModel& model,
                   const std::vector<uint32_t>& capacities)
{
    const uint32_t numExperts = input.NumExperts();
    std::vector<uint32_t> result(capacities);
    std::vector<double> times(numExperts);
    for (std::size_t i = 0; i < capacities.size(); ++i)
    {
        double budget = ExpertTimeBudget(input, model.Rates(i));
        if (budget < 0.0)
        {
            result[i] = 0;
            continue;
        }
        const uint32_t k = std::min(capacities[i], numExperts);
        if (model.UniformExperts())
        {
            const double time = model.ExpertTime(i, 0);
            uint32_t fits = 0;
            while (fits < k && time <= budget)
            {
                budget -= time;
                ++fits;
            }
            result[i] = fits;
            continue;
        }
        model.ExpertTimes(i, times.data());
        if (k < numExperts)
        {
            std::nth_element(times.begin(), times.begin() + k, times.end());
        }
        std::sort(times.begin(), times.begin() + k);
        uint32_t fits = 0;
        while (fits < k && times[fits] <= budget)
        {
            budget -= times[fits];
            ++fits;
        }
        result[i] = fits;
    }
    return result;
}

SequentialAligner::SequentialAligner(const std::string& owner, const DesirabilityWeights& weights,
                                     bool enforceDeadline, bool fastestFirst)
    : m_owner(owner),
      m_weights(weights),
      m_enforceDeadline(enforceDeadline),
      m_fastestFirst(fastestFirst)
{
    m_weights.Validate(m_owner);
}

std::vector<std::size_t>
SequentialAligner::VisitOrder(const DesirabilityModel& model, std::size_t numClients,
                              std::mt19937_64& rng) const
{
    std::vector<std::size_t> order(numClients);
    std::iota(order.begin(), order.end(), std::size_t{0});
    for (std::size_t n = numClients; n > 1; --n)
    {
        std::swap(order[n - 1], order[rng() % n]);
    }
    if (!m_fastestFirst)
    {
        return order;
    }
    std::vector<double> oneExpertTime(numClients);
    for (std::size_t i = 0; i < numClients; ++i)
    {
        oneExpertTime[i] = model.Rates(i).fixedS + model.MeanExpertTime(i);
    }
    std::stable_sort(order.begin(), order.end(),
                     [&oneExpertTime](std::size_t a, std::size_t b)
                     {
                         return oneExpertTime[a] < oneExpertTime[b];
                     });
    return order;
}

Assignment
SequentialAligner::Run(const AlignmentInput& original, std::mt19937_64& rng) const
{
    const std::vector<uint32_t> memoryCaps = original.Capacities(m_owner);
    // Clients too slow for the deadline even with one expert get a share of the work.
    const bool cut = m_enforceDeadline && original.constraints.minWorkFraction < 1.0
                     && std::isfinite(original.constraints.deadlineS);
    PartialWork work;
    if (cut)
    {
        work = FitPartialWork(original, memoryCaps);
    }
    const AlignmentInput& input = cut ? work.input : original;
    const std::size_t numClients = input.clients.size();
    const uint32_t numExperts = input.NumExperts();
    const DesirabilityModel model(input, memoryCaps, m_weights);
    const bool timed = m_enforceDeadline && std::isfinite(input.constraints.deadlineS);
    const std::vector<uint32_t> caps
        = timed ? DeadlineCapacities(input, model, memoryCaps) : memoryCaps;
    const std::vector<std::size_t> order = VisitOrder(model, numClients, rng);
    const TieBreaker ties(numClients, numExperts, rng);

    const uint32_t minTrainers = input.constraints.minTrainersPerExpert;
    const uint32_t maxTrainers = input.constraints.maxTrainersPerExpert == 0
                                     ? std::numeric_limits<uint32_t>::max()
                                     : input.constraints.maxTrainersPerExpert;
    std::vector<uint32_t> trainers(numExperts, 0);
    std::vector<double> load(numExperts, 0.0);
    std::vector<double> penalty(numExperts);
    for (uint32_t e = 0; e < numExperts; ++e)
    {
        penalty[e] = model.UsagePenalty(e, 0.0);
    }
    // Trainers still missing to reach the minimum, and experts missing any.
    std::size_t deficit = static_cast<std::size_t>(numExperts) * minTrainers;
    std::size_t deficient = minTrainers > 0 ? numExperts : 0;
    std::size_t remaining = std::accumulate(caps.begin(), caps.end(), std::size_t{0});
    // With equal expert costs the deadline is a count, already in caps.
    const bool countsOnly = !timed || model.UniformExperts();

    Assignment assignment;
    assignment.clients.resize(numClients);
    std::vector<Candidate> candidates;
    candidates.reserve(numExperts);
    std::vector<double> scores(numExperts);
    std::vector<double> times(numExperts, 0.0);
    TopK top;
    // Book a client's experts: trainers, load and the usage penalty they raise.
    auto book = [&](std::vector<uint32_t>& experts, double samples)
    {
        for (uint32_t e : experts)
        {
            if (trainers[e] < minTrainers)
            {
                --deficit;
                deficient -= trainers[e] + 1 == minTrainers ? 1 : 0;
            }
            trainers[e] += 1;
            load[e] += samples;
            penalty[e] = model.UsagePenalty(e, load[e]);
        }
        std::sort(experts.begin(), experts.end());
    };
    for (std::size_t i : order)
    {
        auto& entry = assignment.clients[i];
        entry.client = input.clients[i].id;
        const uint32_t k = caps[i];
        remaining -= k;
        if (k == 0)
        {
            continue;
        }
        double budget = std::numeric_limits<double>::infinity();
        if (timed)
        {
            budget = ExpertTimeBudget(input, model.Rates(i));
            model.ExpertTimes(i, times.data());
        }
        model.PairScores(i, scores.data(), timed ? times.data() : nullptr);
        // Cover deficits only as far as the clients still to come could not.
        const std::size_t forced
            = std::min<std::size_t>({k, deficient, deficit > remaining ? deficit - remaining : 0});
        if (forced == 0)
        {
            // Streaming top-k; with unequal expert times keep it only if it fits.
            top.Reset(k);
            for (uint32_t e = 0; e < numExperts; ++e)
            {
                if (trainers[e] < maxTrainers)
                {
                    top.Offer({scores[e] - penalty[e], ties.Key(i, e), e});
                }
            }
            top.Take(entry.experts);
            double time = 0.0;
            for (uint32_t e : entry.experts)
            {
                time += times[e];
            }
            if (countsOnly || time <= budget)
            {
                book(entry.experts, input.clients[i].samples);
                continue;
            }
            entry.experts.clear();
        }
        candidates.clear();
        for (uint32_t e = 0; e < numExperts; ++e)
        {
            if (trainers[e] < maxTrainers)
            {
                candidates.push_back({scores[e] - penalty[e], ties.Key(i, e), e});
            }
        }
        if (forced > 0)
        {
            const auto split = std::partition(candidates.begin(), candidates.end(),
                                              [&](const Candidate& c)
                                              {
                                                  return trainers[c.expert] < minTrainers;
                                              });
            std::vector<Candidate> needy(candidates.begin(), split);
            candidates.erase(candidates.begin(), split);
            PickTop(needy, forced, timed, budget, times, entry.experts);
            // Needy experts not forced stay candidates for the free choice.
            for (const auto& candidate : needy)
            {
                if (std::find(entry.experts.begin(), entry.experts.end(), candidate.expert)
                    == entry.experts.end())
                {
                    candidates.push_back(candidate);
                }
            }
        }
        PickTop(candidates, k - entry.experts.size(), timed, budget, times, entry.experts);
        book(entry.experts, input.clients[i].samples);
    }
    if (cut)
    {
        ApplyWorkFractions(work, assignment);
    }
    return assignment;
}

} // namespace scheduling
} // namespace fedmoe
