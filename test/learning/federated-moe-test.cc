// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of the learning facade on the synthetic set: real learning, routing
 * restricted to assigned experts, per-expert FedAvg against hand-computed
 * means, determinism, parallel = sequential, bad input rejected.
 */

#include "fedmoe/learning/evaluator.h"
#include "fedmoe/learning/federated-moe.h"
#include "fedmoe/learning/tensor-codec.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

using namespace fedmoe::learning;

namespace
{

ModelOptions
SmallModel()
{
    ModelOptions m;
    m.dataset = "synthetic";
    m.syntheticTrainSamples = 800;
    m.syntheticTestSamples = 400;
    m.syntheticFeatures = 16;
    m.syntheticClasses = 4;
    m.experts = 4;
    m.topK = 2;
    m.hidden = 8;
    m.seed = 7;
    return m;
}

TrainOptions
Sgd()
{
    TrainOptions t;
    t.learningRate = 0.1;
    t.momentum = 0.5;
    t.batchSize = 16;
    t.alignLossWeight = 0.1;
    t.auxLossWeight = 0.01;
    return t;
}

TrainJob
Job(const FederatedMoe& moe, uint32_t client, std::vector<uint32_t> experts, int64_t from,
    int64_t to, uint32_t steps, uint64_t seed)
{
    TrainJob job;
    job.client = client;
    job.experts = experts;
    job.gate = moe.EncodeGate();
    for (auto e : experts)
    {
        job.expertParams.push_back(moe.EncodeExpert(e));
    }
    for (int64_t i = from; i < to; ++i)
    {
        job.shard.push_back(i);
    }
    job.steps = steps;
    job.seed = seed;
    return job;
}

/// Decodes expert bytes of the small model (16-8-4 MLP) into tensors.
std::vector<torch::Tensor>
ExpertTensors(const std::vector<uint8_t>& bytes)
{
    std::vector<torch::Tensor> t{torch::zeros({8, 16}), torch::zeros({8}), torch::zeros({4, 8}),
                                 torch::zeros({4})};
    TensorCodec::Decode(bytes, t);
    return t;
}

} // namespace

TEST(FederatedMoe, ShapesBytesAndFlops)
{
    FederatedMoe moe(SmallModel(), Sgd());
    EXPECT_EQ(moe.Experts(), 4u);
    EXPECT_EQ(moe.Classes(), 4u);
    EXPECT_EQ(moe.TrainLabels().size(), 800u);
    EXPECT_EQ(moe.GateBytes(), moe.EncodeGate().size());
    EXPECT_EQ(moe.ExpertBytes(), moe.EncodeExpert(3).size());
    // fp32: 12 header + 2 x 8 counts + 4 x (64 + 4) values + 4 CRC = 304 bytes.
    EXPECT_EQ(moe.GateBytes(), 12u + 16u + 4u * 68u + 4u);
    // 3 x (gate 2*16*4 + 2 experts x 2*(16*8 + 8*4)) = 3 x (128 + 640) = 2304.
    EXPECT_DOUBLE_EQ(moe.TrainFlopsPerSample(2), 2304.0);
}

TEST(FederatedMoe, OneClientLearnsAndUntrainedExpertsStay)
{
    FederatedMoe moe(SmallModel(), Sgd());
    const double before = moe.Evaluate().accuracy;
    auto untouched = moe.EncodeExpert(3);
    auto result = moe.Train(Job(moe, 0, {0, 1}, 0, 800, 150, 1));
    ASSERT_EQ(result.error, "");
    EXPECT_EQ(result.samples, 150u * 16u);
    EXPECT_DOUBLE_EQ(result.flops, 2400.0 * moe.TrainFlopsPerSample(2));
    // Top-2 of the two assigned experts: every sample goes to both, none elsewhere.
    EXPECT_EQ(result.routedSamples, (std::vector<uint64_t>{2400, 2400, 0, 0}));
    double share = std::accumulate(result.routingShare.begin(), result.routingShare.end(), 0.0);
    EXPECT_NEAR(share, 1.0, 1e-6);
    // The alignment term moves the gate's mass onto the assigned experts.
    EXPECT_GT(result.routingShare[0] + result.routingShare[1], 0.5);
    moe.Aggregate({result}, AggregationOptions{});
    auto eval = moe.Evaluate();
    EXPECT_GT(eval.accuracy, 0.8) << "before " << before; // chance: 0.25
    EXPECT_EQ(moe.EncodeExpert(3), untouched);
    EXPECT_EQ(moe.EncodeExpert(0), result.expertParams[0]);
    EXPECT_EQ(moe.EncodeGate(), result.gate);
    EXPECT_EQ(eval.samples, 400u);
    EXPECT_NEAR(std::accumulate(eval.routingShare.begin(), eval.routingShare.end(), 0.0), 1.0,
                1e-6);
    EXPECT_GE(eval.routingEntropyBits, 0.0);
    EXPECT_LE(eval.routingEntropyBits, 2.0 + 1e-9);
}

TEST(FederatedMoe, ExpertsAveragedByRoutedSamples)
{
    FederatedMoe moe(SmallModel(), Sgd());
    auto a = moe.Train(Job(moe, 0, {0, 2}, 0, 200, 5, 1));
    auto b = moe.Train(Job(moe, 1, {0}, 200, 400, 3, 2));
    ASSERT_EQ(a.error + b.error, "");
    // Expert 0: a routed 80 samples to it, b 48 (topK 2 over one expert = 1).
    EXPECT_EQ(a.routedSamples[0], 80u);
    EXPECT_EQ(b.routedSamples[0], 48u);
    moe.Aggregate({a, b}, AggregationOptions{});
    auto ta = ExpertTensors(a.expertParams[0]);
    auto tb = ExpertTensors(b.expertParams[0]);
    auto merged = ExpertTensors(moe.EncodeExpert(0));
    for (size_t i = 0; i < merged.size(); ++i)
    {
        auto expected
            = (80.0 * ta[i].to(torch::kFloat64) + 48.0 * tb[i].to(torch::kFloat64)) / 128.0;
        EXPECT_TRUE(torch::allclose(merged[i].to(torch::kFloat64), expected, 1e-6, 1e-7));
    }
    // Expert 2: only a trained it.
    EXPECT_EQ(moe.EncodeExpert(2), a.expertParams[1]);
}

TEST(FederatedMoe, GateRowsFromAssignedClientsOnly)
{
    FederatedMoe moe(SmallModel(), Sgd());
    auto a = moe.Train(Job(moe, 0, {0, 1}, 0, 200, 4, 1));
    auto b = moe.Train(Job(moe, 1, {1, 2}, 200, 400, 4, 2));
    AggregationOptions options;
    options.gate = "assigned";
    auto gateOf = [](const std::vector<uint8_t>& bytes)
    {
        std::vector<torch::Tensor> g{torch::zeros({4, 16}), torch::zeros({4})};
        TensorCodec::Decode(bytes, g);
        return g;
    };
    auto before = gateOf(moe.EncodeGate());
    moe.Aggregate({a, b}, options);
    auto ga = gateOf(a.gate);
    auto gb = gateOf(b.gate);
    auto merged = gateOf(moe.EncodeGate());
    EXPECT_TRUE(torch::equal(merged[0][0], ga[0][0]));                           // only a
    EXPECT_TRUE(torch::allclose(merged[0][1], (ga[0][1] + gb[0][1]) / 2, 1e-6)); // a and b
    EXPECT_TRUE(torch::equal(merged[0][2], gb[0][2]));                           // only b
    EXPECT_TRUE(torch::equal(merged[0][3], before[0][3]));                       // nobody
    EXPECT_TRUE(torch::equal(merged[1][3], before[1][3]));
}

TEST(FederatedMoe, SameJobSameBytesAndParallelEqualsAlone)
{
    FederatedMoe moe(SmallModel(), Sgd());
    std::vector<TrainJob> jobs;
    for (uint32_t c = 0; c < 6; ++c)
    {
        jobs.push_back(Job(moe, c, {c % 4, (c + 1) % 4 > c % 4 ? (c + 1) % 4 : 0}, c * 100,
                           c * 100 + 100, 10, c));
        std::sort(jobs.back().experts.begin(), jobs.back().experts.end());
    }
    at::set_num_threads(1);
    auto first = moe.Train(jobs[2]);
    auto again = moe.Train(jobs[2]);
    EXPECT_EQ(first.gate, again.gate);
    EXPECT_EQ(first.expertParams, again.expertParams);
    EXPECT_EQ(first.meanLoss, again.meanLoss);
    auto all = moe.TrainAll(jobs, 2);
    ASSERT_EQ(all.size(), jobs.size());
    for (size_t i = 0; i < jobs.size(); ++i)
    {
        auto alone = moe.Train(jobs[i]);
        ASSERT_EQ(all[i].error, "");
        EXPECT_EQ(all[i].client, jobs[i].client);
        EXPECT_EQ(all[i].gate, alone.gate) << "job " << i;
        EXPECT_EQ(all[i].expertParams, alone.expertParams) << "job " << i;
        EXPECT_EQ(all[i].routedSamples, alone.routedSamples);
    }
}

TEST(FederatedMoe, BadInputRejected)
{
    FederatedMoe moe(SmallModel(), Sgd());
    auto job = Job(moe, 5, {1}, 0, 100, 2, 1);
    job.experts = {9};
    EXPECT_NE(moe.Train(job).error.find("expert id 9 outside [0, 4)"), std::string::npos);
    job = Job(moe, 5, {1}, 0, 100, 2, 1);
    job.gate[20] ^= 0xff;
    EXPECT_NE(moe.Train(job).error.find("client 5"), std::string::npos);

    auto good = moe.Train(Job(moe, 1, {1}, 0, 100, 2, 1));
    auto bad = good;
    bad.expertParams[0].back() ^= 1; // checksum
    auto gateBefore = moe.EncodeGate();
    auto expertBefore = moe.EncodeExpert(1);
    EXPECT_THROW(moe.Aggregate({good, bad}, AggregationOptions{}), std::invalid_argument);
    EXPECT_EQ(moe.EncodeGate(), gateBefore);
    EXPECT_EQ(moe.EncodeExpert(1), expertBefore);

    auto m = SmallModel();
    m.dataset = "imagenet";
    try
    {
        FederatedMoe wrong(m, Sgd());
        FAIL() << "expected an error";
    }
    catch (const std::invalid_argument& e)
    {
        EXPECT_STREQ(e.what(),
                     "ModelOptions: dataset 'imagenet' is unknown; allowed: fashion-mnist, "
                     "cifar10, synthetic");
    }
    auto t = Sgd();
    t.optimizer = "lbfgs";
    EXPECT_THROW(FederatedMoe(SmallModel(), t), std::invalid_argument);
    t = Sgd();
    t.restrictedSoftmax = 0;
    EXPECT_THROW(FederatedMoe(SmallModel(), t), std::invalid_argument);
    m = SmallModel();
    m.evalTopK = 5; // of 4 experts
    EXPECT_THROW(FederatedMoe(m, Sgd()), std::invalid_argument);
    AggregationOptions a;
    a.gate = "some";
    EXPECT_THROW(moe.Aggregate({}, a), std::invalid_argument);
}

TEST(FederatedMoe, EntropyInBits)
{
    EXPECT_DOUBLE_EQ(EntropyBits({0.5, 0.5, 0, 0}), 1.0);
    EXPECT_DOUBLE_EQ(EntropyBits(std::vector<double>(8, 0.125)), 3.0);
    EXPECT_DOUBLE_EQ(EntropyBits({1, 0, 0}), 0.0);
}

TEST(FederatedMoe, RestrictedSoftmaxChangesOnlyWhatTheShardLacks)
{
    // A shard of one class: with FedRS the other classes' logits are scaled in
    // the loss, so the same job trains differently; with every class present
    // (no class absent) the factor changes nothing.
    auto fedrs = Sgd();
    fedrs.restrictedSoftmax = 0.5;
    FederatedMoe plain(SmallModel(), Sgd());
    FederatedMoe restricted(SmallModel(), fedrs);
    const auto labels = plain.TrainLabels();
    std::vector<int64_t> oneClass;
    std::vector<int64_t> all;
    for (int64_t i = 0; i < int64_t(labels.size()); ++i)
    {
        if (labels[i] == 0)
        {
            oneClass.push_back(i);
        }
        all.push_back(i);
    }
    auto job = Job(plain, 0, {0, 1}, 0, 100, 5, 1);
    job.shard = oneClass;
    EXPECT_NE(plain.Train(job).expertParams, restricted.Train(job).expertParams);
    job.shard = all;
    EXPECT_EQ(plain.Train(job).expertParams, restricted.Train(job).expertParams);
}

TEST(FederatedMoe, AccuracyOnEqualsEvaluateOnJobByJob)
{
    FederatedMoe moe(SmallModel(), Sgd());
    auto result = moe.Train(Job(moe, 0, {0, 1}, 0, 800, 60, 1));
    ASSERT_EQ(result.error, "");
    moe.Aggregate({result}, AggregationOptions{});
    std::vector<std::vector<int64_t>> indices;
    std::vector<std::vector<uint32_t>> experts;
    const std::vector<std::vector<uint32_t>> sets{{0, 1}, {2, 3}, {1, 0}, {}, {3}, {0, 1}};
    for (size_t j = 0; j < sets.size(); ++j)
    {
        std::vector<int64_t> rows;
        for (int64_t i = 0; i < int64_t(7 + 13 * j); ++i)
        {
            rows.push_back((i * 37 + 11 * int64_t(j)) % 800);
        }
        indices.push_back(rows);
        experts.push_back(sets[j]);
    }
    indices.push_back({}); // no samples: NaN
    experts.push_back({2});
    const std::vector<double> together = moe.AccuracyOn(indices, experts);
    ASSERT_EQ(together.size(), indices.size());
    for (size_t j = 0; j + 1 < indices.size(); ++j)
    {
        EXPECT_DOUBLE_EQ(together[j], moe.EvaluateOn(indices[j], experts[j]).accuracy)
            << "job " << j;
    }
    EXPECT_TRUE(std::isnan(together.back()));
    EXPECT_THROW(moe.AccuracyOn({{0}}, {}), std::invalid_argument);
    EXPECT_THROW(moe.AccuracyOn({{100000}}, {{0}}), std::invalid_argument);
    EXPECT_THROW(moe.AccuracyOn({{0}}, {{9}}), std::invalid_argument);
}

TEST(FederatedMoe, UntrainedResultsEchoTheJobWithTheWorkItWouldTake)
{
    FederatedMoe moe(SmallModel(), Sgd());
    const TrainJob job = Job(moe, 3, {1, 2, 3}, 0, 800, 25, 4);
    const TrainResult r = moe.Untrained(job);
    ASSERT_EQ(r.error, "");
    EXPECT_EQ(r.client, 3u);
    EXPECT_EQ(r.gate, job.gate);
    EXPECT_EQ(r.expertParams, job.expertParams);
    EXPECT_EQ(r.samples, 25u * 16u);
    EXPECT_DOUBLE_EQ(r.flops, 400.0 * moe.TrainFlopsPerSample(3));
    // Top-2 of 3 assigned: each sample reaches 2 of them, 400 x 2 / 3 each.
    EXPECT_EQ(r.routedSamples, (std::vector<uint64_t>{0, 266, 266, 266}));
    EXPECT_NEAR(r.meanLoss, std::log(4.0), 1e-12);
    // The same work as really training it (what the compute model is given).
    EXPECT_DOUBLE_EQ(moe.Train(job).flops, r.flops);
    TrainJob bad = job;
    bad.experts = {7};
    bad.expertParams = {job.expertParams[0]};
    EXPECT_NE(moe.Untrained(bad).error, "");
}
