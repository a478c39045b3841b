// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeTrainingExecutor: a precomputed result equals training the job at
 * receipt; a different (tampered) ASSIGN or shard gets its own, freshly
 * trained result; untaken results are discarded at the end of a round;
 * UPDATE conversion.
 */

#include "fedmoe-scenario.h"
#include "fedmoe/learning/federated-moe.h"

#include "ns3/fedmoe-job-messages.h"
#include "ns3/fedmoe-payload.h"
#include "ns3/fedmoe-training-executor.h"

#include <gtest/gtest.h>

#include <memory>

using namespace ns3;
namespace learning = fedmoe::learning;

namespace
{

struct Fixture
{
    Fixture()
    {
        fedmoe_test::ScenarioOptions o;
        model = std::make_shared<learning::FederatedMoe>(fedmoe_test::SmallModel(o),
                                                         learning::TrainOptions());
        executor = CreateObject<FedMoeTrainingExecutor>();
        executor->SetAttribute("Threads", UintegerValue(2));
        executor->SetModel(model);
        for (uint32_t c = 0; c < 3; ++c)
        {
            std::vector<int64_t> shard;
            for (int64_t i = c * 100; i < c * 100 + 100; ++i)
            {
                shard.push_back(i);
            }
            executor->RegisterShard(c, shard);
        }
    }

    /// A job, and the ASSIGN it was built from (as decoded and as bytes).
    struct Assigned
    {
        learning::TrainJob job;
        FedMoeAssign assign;
        FedMoeBytes payload;
    };

    Assigned Job(uint32_t client, std::vector<uint32_t> experts, uint64_t seed) const
    {
        Assigned a;
        a.assign.deadlineSeconds = 10;
        a.assign.localSteps = 3;
        a.assign.seed = seed;
        a.assign.experts = experts;
        a.assign.gate = model->EncodeGate();
        for (uint32_t e : experts)
        {
            a.assign.expertParams.push_back(model->EncodeExpert(e));
        }
        a.job = FedMoeJobMessages::MakeJob(client, a.assign, executor->GetShard(client));
        a.payload = FedMoePayload::Encode(a.assign);
        return a;
    }

    void Submit(uint32_t round, const std::vector<Assigned>& as) const
    {
        std::vector<learning::TrainJob> jobs;
        std::vector<FedMoeBytes> payloads;
        for (const auto& a : as)
        {
            jobs.push_back(a.job);
            payloads.push_back(a.payload);
        }
        executor->Submit(round, jobs, payloads);
    }

    learning::TrainResult Take(uint32_t round, const Assigned& a) const
    {
        return executor->Take(round, a.job.client, a.payload, a.assign, a.job.shard);
    }

    std::shared_ptr<learning::FederatedMoe> model;
    Ptr<FedMoeTrainingExecutor> executor;
};

void
ExpectSame(const learning::TrainResult& a, const learning::TrainResult& b)
{
    EXPECT_TRUE(a.error.empty()) << a.error;
    EXPECT_EQ(a.client, b.client);
    EXPECT_EQ(a.experts, b.experts);
    EXPECT_EQ(a.gate, b.gate);
    EXPECT_EQ(a.expertParams, b.expertParams);
    EXPECT_EQ(a.samples, b.samples);
    EXPECT_EQ(a.meanLoss, b.meanLoss);
    EXPECT_EQ(a.flops, b.flops);
    EXPECT_EQ(a.routedSamples, b.routedSamples);
    EXPECT_EQ(a.routingShare, b.routingShare);
}

} // namespace

TEST(FedMoeTrainingExecutor, PrecomputedResultEqualsTrainingAtReceipt)
{
    Fixture f;
    const std::vector<Fixture::Assigned> jobs = {f.Job(0, {0, 2}, 11), f.Job(1, {1, 3}, 12)};
    f.Submit(1, jobs);
    EXPECT_EQ(f.executor->GetPendingCount(), 2u);
    for (const auto& a : jobs)
    {
        ExpectSame(f.Take(1, a), f.model->Train(a.job));
    }
    EXPECT_EQ(f.executor->GetPrecomputedCount(), 2u);
    EXPECT_EQ(f.executor->GetTrainedOnDemandCount(), 0u);
    EXPECT_EQ(f.executor->GetPendingCount(), 0u);
    EXPECT_THROW(f.executor->Submit(2, {jobs[0].job}, {}), std::invalid_argument);
}

TEST(FedMoeTrainingExecutor, ADifferentAssignIsTrainedAsReceived)
{
    Fixture f;
    const Fixture::Assigned submitted = f.Job(0, {0, 1}, 21);
    f.Submit(1, {submitted});

    // Same experts, another seed: what the client received decides.
    Fixture::Assigned received = f.Job(0, {0, 1}, 22);
    const learning::TrainResult got = f.Take(1, received);
    ExpectSame(got, f.model->Train(received.job));
    EXPECT_NE(got.expertParams, f.model->Train(submitted.job).expertParams);
    EXPECT_EQ(f.executor->GetTrainedOnDemandCount(), 1u);

    // Other experts in round 2; and tampered gate bytes: the learning core
    // refuses them, and the client learns so.
    f.Submit(2, {f.Job(0, {0, 1}, 23)});
    received = f.Job(0, {2, 3}, 23);
    ExpectSame(f.Take(2, received), f.model->Train(received.job));
    f.Submit(3, {f.Job(0, {0, 1}, 24)});
    received = f.Job(0, {0, 1}, 24);
    received.assign.gate[received.assign.gate.size() / 2] ^= 0x5a;
    received.payload = FedMoePayload::Encode(received.assign);
    EXPECT_FALSE(f.Take(3, received).error.empty());
    EXPECT_EQ(f.executor->GetPrecomputedCount(), 0u);
    EXPECT_EQ(f.executor->GetTrainedOnDemandCount(), 3u);
}

TEST(FedMoeTrainingExecutor, TheSameAssignOnAnotherShardIsTrainedOnThatShard)
{
    Fixture f;
    const Fixture::Assigned submitted = f.Job(1, {1, 2}, 31);
    f.Submit(1, {submitted});
    std::vector<int64_t> other = f.executor->GetShard(2);
    const learning::TrainResult got
        = f.executor->Take(1, 1, submitted.payload, submitted.assign, other);
    learning::TrainJob expected = submitted.job;
    expected.shard = other;
    ExpectSame(got, f.model->Train(expected));
    EXPECT_NE(got.expertParams, f.model->Train(submitted.job).expertParams);
    EXPECT_EQ(f.executor->GetTrainedOnDemandCount(), 1u);
    EXPECT_EQ(f.executor->GetDiscardedCount(), 1u);
}

TEST(FedMoeTrainingExecutor, UntakenResultsAreDiscardedWhenTheRoundEnds)
{
    Fixture f;
    f.Submit(4, {f.Job(0, {0, 1}, 1), f.Job(1, {2, 3}, 2), f.Job(2, {1, 2}, 3)});
    f.Take(4, f.Job(1, {2, 3}, 2));
    f.executor->EndRound(4);
    EXPECT_EQ(f.executor->GetPendingCount(), 0u);
    EXPECT_EQ(f.executor->GetDiscardedCount(), 2u);
    EXPECT_EQ(f.executor->GetPrecomputedCount(), 1u);
    // A late taker still gets its job's result.
    const Fixture::Assigned late = f.Job(0, {0, 1}, 1);
    ExpectSame(f.Take(4, late), f.model->Train(late.job));
}

TEST(FedMoeTrainingExecutor, UpdatePayloadCarriesTheResult)
{
    Fixture f;
    const learning::TrainResult r = f.model->Train(f.Job(2, {1, 3}, 5).job);
    const FedMoeBytes bytes = FedMoePayload::Encode(FedMoeJobMessages::ToUpdate(r));
    FedMoeUpdate decoded;
    ASSERT_EQ(FedMoePayload::Decode(bytes, decoded), "");
    const learning::TrainResult back = FedMoeJobMessages::FromUpdate(2, decoded);
    EXPECT_EQ(back.experts, r.experts);
    EXPECT_EQ(back.gate, r.gate);
    EXPECT_EQ(back.expertParams, r.expertParams);
    EXPECT_EQ(back.samples, r.samples);
    EXPECT_EQ(back.meanLoss, r.meanLoss);
    EXPECT_EQ(back.routedSamples, r.routedSamples);
    ASSERT_EQ(back.routingShare.size(), r.routingShare.size());
    for (std::size_t e = 0; e < r.routingShare.size(); ++e)
    {
        EXPECT_FLOAT_EQ(back.routingShare[e], r.routingShare[e]);
    }
}
