// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of the merge rules against hand-computed values.
 */

#include "fedmoe/learning/aggregator.h"

#include <gtest/gtest.h>

using namespace fedmoe::learning;

namespace
{

std::vector<std::vector<torch::Tensor>>
Versions(const std::vector<std::vector<float>>& values)
{
    std::vector<std::vector<torch::Tensor>> out;
    for (const auto& v : values)
    {
        out.push_back({torch::tensor(v)});
    }
    return out;
}

std::vector<float>
Values(const torch::Tensor& t)
{
    auto c = t.contiguous();
    return std::vector<float>(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
}

} // namespace

TEST(Aggregator, WeightedMeanIsFedAvg)
{
    // (1*[1,2] + 3*[3,6]) / 4 = [2.5, 5]
    auto merged = MergeParameters(Versions({{1, 2}, {3, 6}}), {1, 3}, MergeRule::MEAN, 0);
    EXPECT_EQ(Values(merged[0]), (std::vector<float>{2.5f, 5.0f}));
    // All weights zero: plain mean.
    merged = MergeParameters(Versions({{1, 2}, {3, 6}}), {0, 0}, MergeRule::MEAN, 0);
    EXPECT_EQ(Values(merged[0]), (std::vector<float>{2.0f, 4.0f}));
}

TEST(Aggregator, MedianAndTrimmedMeanResistAnOutlier)
{
    auto odd
        = MergeParameters(Versions({{1, 9}, {5, -1}, {3, 4}}), {1, 1, 1}, MergeRule::MEDIAN, 0);
    EXPECT_EQ(Values(odd[0]), (std::vector<float>{3, 4}));
    auto even
        = MergeParameters(Versions({{1}, {2}, {3}, {100}}), {1, 1, 1, 1}, MergeRule::MEDIAN, 0);
    EXPECT_EQ(Values(even[0]), (std::vector<float>{2.5f}));
    // trim 0.25 of 4 cuts one value at each end: mean(2, 3) = 2.5; the plain mean is 26.5.
    auto trimmed = MergeParameters(Versions({{100}, {2}, {1}, {3}}), {1, 1, 1, 1},
                                   MergeRule::TRIMMED_MEAN, 0.25);
    EXPECT_EQ(Values(trimmed[0]), (std::vector<float>{2.5f}));
}

TEST(Aggregator, BadInputsRejected)
{
    EXPECT_THROW(MergeParameters({}, {}, MergeRule::MEAN, 0), std::invalid_argument);
    EXPECT_THROW(MergeParameters(Versions({{1}}), {-1}, MergeRule::MEAN, 0), std::invalid_argument);
    EXPECT_THROW(MergeParameters(Versions({{1}, {1, 2}}), {1, 1}, MergeRule::MEAN, 0),
                 std::invalid_argument);
    EXPECT_THROW(MergeParameters(Versions({{1}}), {1}, MergeRule::TRIMMED_MEAN, 0.5),
                 std::invalid_argument);
    try
    {
        ParseMergeRule("mode");
        FAIL() << "expected an error";
    }
    catch (const std::invalid_argument& e)
    {
        EXPECT_STREQ(e.what(),
                     "aggregation rule 'mode' is unknown; allowed: mean, median, trimmed-mean");
    }
}
