/*
 * FedMoeTrainingExecutor: a precomputed result equals training the job at
 * receipt; a different (tampered) job gets its own, freshly trained result;
 * untaken results are discarded at the end of a round; UPDATE conversion.
 */

#include "fedmoe-scenario.h"

#include "ns3/federated-moe.h"
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

    learning::TrainJob Job(uint32_t client, std::vector<uint32_t> experts, uint64_t seed) const
    {
        FedMoeAssign a;
        a.deadlineSeconds = 10;
        a.localSteps = 3;
        a.seed = seed;
        a.experts = experts;
        a.gate = model->EncodeGate();
        for (uint32_t e : experts)
        {
            a.expertParams.push_back(model->EncodeExpert(e));
        }
        return FedMoeJobMessages::MakeJob(client, a, executor->GetShard(client));
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
    const std::vector<learning::TrainJob> jobs = {f.Job(0, {0, 2}, 11), f.Job(1, {1, 3}, 12)};
    f.executor->Submit(1, jobs);
    EXPECT_EQ(f.executor->GetPendingCount(), 2u);
    for (const auto& job : jobs)
    {
        ExpectSame(f.executor->Take(1, job.client, job), f.model->Train(job));
    }
    EXPECT_EQ(f.executor->GetPrecomputedCount(), 2u);
    EXPECT_EQ(f.executor->GetTrainedOnDemandCount(), 0u);
    EXPECT_EQ(f.executor->GetPendingCount(), 0u);
}

TEST(FedMoeTrainingExecutor, ADifferentAssignIsTrainedAsReceived)
{
    Fixture f;
    const learning::TrainJob submitted = f.Job(0, {0, 1}, 21);
    f.executor->Submit(1, {submitted});

    // Same experts, another seed: what the client received decides.
    learning::TrainJob received = f.Job(0, {0, 1}, 22);
    const learning::TrainResult got = f.executor->Take(1, 0, received);
    ExpectSame(got, f.model->Train(received));
    EXPECT_NE(got.expertParams, f.model->Train(submitted).expertParams);
    EXPECT_EQ(f.executor->GetTrainedOnDemandCount(), 1u);

    // Other experts in round 2; and tampered gate bytes: the learning core
    // refuses them, and the client learns so.
    f.executor->Submit(2, {f.Job(0, {0, 1}, 23)});
    received = f.Job(0, {2, 3}, 23);
    ExpectSame(f.executor->Take(2, 0, received), f.model->Train(received));
    f.executor->Submit(3, {f.Job(0, {0, 1}, 24)});
    received = f.Job(0, {0, 1}, 24);
    received.gate[received.gate.size() / 2] ^= 0x5a;
    EXPECT_FALSE(f.executor->Take(3, 0, received).error.empty());
    EXPECT_EQ(f.executor->GetPrecomputedCount(), 0u);
    EXPECT_EQ(f.executor->GetTrainedOnDemandCount(), 3u);
}

TEST(FedMoeTrainingExecutor, UntakenResultsAreDiscardedWhenTheRoundEnds)
{
    Fixture f;
    f.executor->Submit(4, {f.Job(0, {0, 1}, 1), f.Job(1, {2, 3}, 2), f.Job(2, {1, 2}, 3)});
    f.executor->Take(4, 1, f.Job(1, {2, 3}, 2));
    f.executor->EndRound(4);
    EXPECT_EQ(f.executor->GetPendingCount(), 0u);
    EXPECT_EQ(f.executor->GetDiscardedCount(), 2u);
    // A late taker still gets its job's result.
    const learning::TrainJob late = f.Job(0, {0, 1}, 1);
    ExpectSame(f.executor->Take(4, 0, late), f.model->Train(late));
}

TEST(FedMoeTrainingExecutor, UpdatePayloadCarriesTheResult)
{
    Fixture f;
    const learning::TrainJob job = f.Job(2, {1, 3}, 5);
    const learning::TrainResult r = f.model->Train(job);
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
    EXPECT_NE(FedMoeTrainingExecutor::ComputeDigest(job),
              FedMoeTrainingExecutor::ComputeDigest(f.Job(2, {1, 3}, 6)));
}
