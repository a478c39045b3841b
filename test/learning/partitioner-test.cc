// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of Partitioner: complete, disjoint, deterministic, skewed as asked.
 */

#include "fedmoe/learning/partitioner.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <stdexcept>

using fedmoe::learning::HoldoutSplit;
using fedmoe::learning::Partitioner;
using fedmoe::learning::PartitionOptions;

namespace
{

std::vector<int64_t>
Labels(int64_t n, int64_t classes)
{
    std::vector<int64_t> l(n);
    for (int64_t i = 0; i < n; ++i)
    {
        l[i] = (i * 7) % classes;
    }
    return l;
}

void
ExpectCompleteAndDisjoint(const std::vector<std::vector<int64_t>>& shards, int64_t n)
{
    std::vector<int> seen(n, 0);
    for (const auto& s : shards)
    {
        for (auto i : s)
        {
            ASSERT_GE(i, 0);
            ASSERT_LT(i, n);
            ++seen[i];
        }
    }
    for (int64_t i = 0; i < n; ++i)
    {
        ASSERT_EQ(seen[i], 1) << "sample " << i;
    }
}

} // namespace

TEST(Partitioner, EverySchemeCompleteDisjointDeterministic)
{
    auto labels = Labels(1000, 10);
    for (std::string scheme : {"iid", "classes", "dirichlet", "quantity"})
    {
        PartitionOptions o;
        o.scheme = scheme;
        o.clients = 7;
        o.seed = 3;
        auto a = Partitioner::Partition(labels, 10, o);
        ASSERT_EQ(a.size(), 7u) << scheme;
        ExpectCompleteAndDisjoint(a, 1000);
        EXPECT_EQ(a, Partitioner::Partition(labels, 10, o)) << scheme;
        o.seed = 4;
        EXPECT_NE(a, Partitioner::Partition(labels, 10, o)) << scheme;
    }
}

TEST(Partitioner, ClassesSchemeGivesKClassesPerClient)
{
    auto labels = Labels(1000, 10);
    PartitionOptions o;
    o.scheme = "classes";
    o.clients = 10;
    o.classesPerClient = 2;
    auto shards = Partitioner::Partition(labels, 10, o);
    for (const auto& s : shards)
    {
        std::set<int64_t> classes;
        for (auto i : s)
        {
            classes.insert(labels[i]);
        }
        EXPECT_EQ(classes.size(), 2u);
    }
}

TEST(Partitioner, IidShardsAreBalanced)
{
    PartitionOptions o;
    o.clients = 4;
    auto shards = Partitioner::Partition(Labels(1000, 10), 10, o);
    for (const auto& s : shards)
    {
        EXPECT_EQ(s.size(), 250u);
    }
}

TEST(Partitioner, BadInputsRejected)
{
    auto labels = Labels(100, 10);
    PartitionOptions o;
    o.scheme = "round-robin";
    try
    {
        Partitioner::Partition(labels, 10, o);
        FAIL();
    }
    catch (const std::invalid_argument& e)
    {
        EXPECT_NE(std::string(e.what()).find("round-robin"), std::string::npos);
        EXPECT_NE(std::string(e.what()).find("dirichlet"), std::string::npos);
    }
    o.scheme = "dirichlet";
    o.alpha = 0.0;
    EXPECT_THROW(Partitioner::Partition(labels, 10, o), std::invalid_argument);
    o.scheme = "classes";
    o.classesPerClient = 11;
    EXPECT_THROW(Partitioner::Partition(labels, 10, o), std::invalid_argument);
    o.scheme = "iid";
    o.clients = 0;
    EXPECT_THROW(Partitioner::Partition(labels, 10, o), std::invalid_argument);
    o.clients = 2;
    EXPECT_THROW(Partitioner::Partition({0, 12}, 10, o), std::invalid_argument);
}

TEST(Partitioner, HoldoutSplitIsDisjointCompleteAndReproducible)
{
    std::vector<std::vector<int64_t>> shards{{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {10, 11, 12}, {}};
    const HoldoutSplit a = Partitioner::SplitHoldout(shards, 0.2, 7);
    ASSERT_EQ(a.train.size(), 3u);
    ASSERT_EQ(a.heldOut.size(), 3u);
    // round(0.2 x 10) = 2, round(0.2 x 3) = 1, round(0) = 0.
    EXPECT_EQ(a.heldOut[0].size(), 2u);
    EXPECT_EQ(a.heldOut[1].size(), 1u);
    EXPECT_TRUE(a.heldOut[2].empty());
    for (std::size_t c = 0; c < shards.size(); ++c)
    {
        std::vector<int64_t> both = a.train[c];
        both.insert(both.end(), a.heldOut[c].begin(), a.heldOut[c].end());
        std::sort(both.begin(), both.end());
        EXPECT_EQ(both, shards[c]) << "client " << c; // every sample once: disjoint, complete
        EXPECT_TRUE(std::is_sorted(a.train[c].begin(), a.train[c].end()));
    }
    const HoldoutSplit again = Partitioner::SplitHoldout(shards, 0.2, 7);
    EXPECT_EQ(again.heldOut, a.heldOut);
    EXPECT_EQ(Partitioner::SplitHoldout(shards, 0.0, 7).train, shards);
    EXPECT_THROW(Partitioner::SplitHoldout(shards, 1.0, 7), std::invalid_argument);
    EXPECT_THROW(Partitioner::SplitHoldout(shards, -0.1, 7), std::invalid_argument);
}
