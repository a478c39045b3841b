// SPDX-License-Identifier: GPL-2.0-only
/*
 * Partitioner schemes.
 */

#include "partitioner.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <stdexcept>

namespace fedmoe
{
namespace learning
{

namespace
{

using Shards = std::vector<std::vector<int64_t>>;

std::vector<double>
SampleDirichlet(uint32_t n, double alpha, std::mt19937_64& rng)
{
    std::gamma_distribution<double> gamma(alpha, 1.0);
    std::vector<double> p(n);
    double sum = 0.0;
    for (auto& v : p)
    {
        v = gamma(rng);
        sum += v;
    }
    for (auto& v : p)
    {
        v = sum > 0.0 ? v / sum : 1.0 / n;
    }
    return p;
}

/// Splits \p indices into consecutive pieces with the given proportions.
void
SplitByProportions(const std::vector<int64_t>& indices, const std::vector<double>& proportions,
                   const std::vector<uint32_t>& owners, Shards& shards)
{
    double cumulative = 0.0;
    size_t begin = 0;
    for (size_t i = 0; i < owners.size(); ++i)
    {
        cumulative += proportions[i];
        size_t end = (i + 1 == owners.size())
                         ? indices.size()
                         : std::min(indices.size(), size_t(cumulative * indices.size() + 0.5));
        end = std::max(end, begin);
        shards[owners[i]].insert(shards[owners[i]].end(), indices.begin() + begin,
                                 indices.begin() + end);
        begin = end;
    }
}

std::vector<uint32_t>
AllClients(uint32_t n)
{
    std::vector<uint32_t> c(n);
    std::iota(c.begin(), c.end(), 0u);
    return c;
}

} // namespace

HoldoutSplit
Partitioner::SplitHoldout(const std::vector<std::vector<int64_t>>& shards, double fraction,
                          uint64_t seed)
{
    if (!(fraction >= 0.0 && fraction < 1.0))
    {
        throw std::invalid_argument("partition: holdout fraction " + std::to_string(fraction)
                                    + " outside [0, 1)");
    }
    HoldoutSplit split;
    for (std::size_t c = 0; c < shards.size(); ++c)
    {
        std::vector<int64_t> shuffled = shards[c];
        // One stream per client, so a client's split does not depend on the others'.
        std::mt19937_64 rng(seed ^ (0x9E3779B97F4A7C15ULL * (c + 1)));
        std::shuffle(shuffled.begin(), shuffled.end(), rng);
        const auto held = static_cast<std::size_t>(std::llround(fraction * shuffled.size()));
        std::vector<int64_t> out(shuffled.begin(), shuffled.begin() + held);
        std::vector<int64_t> in(shuffled.begin() + held, shuffled.end());
        std::sort(out.begin(), out.end());
        std::sort(in.begin(), in.end());
        split.heldOut.push_back(std::move(out));
        split.train.push_back(std::move(in));
    }
    return split;
}

std::vector<std::vector<int64_t>>
Partitioner::Partition(const std::vector<int64_t>& labels, int64_t classes,
                       const PartitionOptions& o)
{
    if (o.clients == 0)
    {
        throw std::invalid_argument("partition: clients is 0, must be >= 1");
    }
    if (classes < 1)
    {
        throw std::invalid_argument("partition: classes is " + std::to_string(classes)
                                    + ", must be >= 1");
    }
    for (auto l : labels)
    {
        if (l < 0 || l >= classes)
        {
            throw std::invalid_argument("partition: label " + std::to_string(l) + " outside [0, "
                                        + std::to_string(classes) + ")");
        }
    }
    std::mt19937_64 rng(o.seed);
    std::vector<int64_t> all(labels.size());
    std::iota(all.begin(), all.end(), 0);
    std::shuffle(all.begin(), all.end(), rng);
    std::vector<std::vector<int64_t>> byClass(classes);
    for (auto i : all)
    {
        byClass[labels[i]].push_back(i);
    }
    Shards shards(o.clients);

    if (o.scheme == "iid")
    {
        SplitByProportions(all, std::vector<double>(o.clients, 1.0 / o.clients),
                           AllClients(o.clients), shards);
    }
    else if (o.scheme == "quantity")
    {
        if (!(o.alpha > 0.0))
        {
            throw std::invalid_argument("partition quantity: alpha " + std::to_string(o.alpha)
                                        + " must be > 0");
        }
        SplitByProportions(all, SampleDirichlet(o.clients, o.alpha, rng), AllClients(o.clients),
                           shards);
    }
    else if (o.scheme == "dirichlet")
    {
        if (!(o.alpha > 0.0))
        {
            throw std::invalid_argument("partition dirichlet: alpha " + std::to_string(o.alpha)
                                        + " must be > 0");
        }
        for (const auto& idx : byClass)
        {
            SplitByProportions(idx, SampleDirichlet(o.clients, o.alpha, rng), AllClients(o.clients),
                               shards);
        }
    }
    else if (o.scheme == "classes")
    {
        if (o.classesPerClient < 1 || o.classesPerClient > classes)
        {
            throw std::invalid_argument("partition classes: classesPerClient "
                                        + std::to_string(o.classesPerClient) + " must be in [1, "
                                        + std::to_string(classes) + "]");
        }
        // Client c holds classes (c*k + j) mod C, so every class has holders when
        // clients*k >= classes; a class without holders goes to client (class mod clients).
        std::vector<std::vector<uint32_t>> holders(classes);
        for (uint32_t c = 0; c < o.clients; ++c)
        {
            for (uint32_t j = 0; j < o.classesPerClient; ++j)
            {
                holders[(int64_t(c) * o.classesPerClient + j) % classes].push_back(c);
            }
        }
        for (int64_t k = 0; k < classes; ++k)
        {
            if (holders[k].empty())
            {
                holders[k].push_back(uint32_t(k % o.clients));
            }
            const auto& h = holders[k];
            SplitByProportions(byClass[k], std::vector<double>(h.size(), 1.0 / h.size()), h,
                               shards);
        }
    }
    else
    {
        throw std::invalid_argument("partition: unknown scheme '" + o.scheme
                                    + "', allowed: iid, classes, dirichlet, quantity");
    }
    for (auto& s : shards)
    {
        std::sort(s.begin(), s.end());
    }
    return shards;
}

} // namespace learning
} // namespace fedmoe
