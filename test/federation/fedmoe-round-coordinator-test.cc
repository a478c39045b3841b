// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeRoundCoordinator: whole rounds without a network. Made-up arrivals
 * go in; out come the dropped clients, a global model aggregated from the
 * arrived updates only, fitness, usage and completion ratios equal to the
 * EMAs computed by hand, evaluation when due and the run's end.
 */

#include "fedmoe-scenario.h"

#include "ns3/fedmoe-job-messages.h"
#include "ns3/fedmoe-payload.h"
#include "ns3/fedmoe-round-coordinator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>

using namespace ns3;
namespace learning = fedmoe::learning;
namespace sched = fedmoe::scheduling;

namespace
{

constexpr uint32_t kExperts = 4;

/// A coordinator over a small synthetic model, four announced clients and a
/// fixed policy: client c trains experts {c, c + 1} (mod 4).
struct Fixture
{
    explicit Fixture(FedMoeRoundSettings s = Settings())
        : settings(s)
    {
        model = NewModel();
        for (uint32_t c = 0; c < 4; ++c)
        {
            shards.emplace_back();
            for (int64_t i = c * 100; i < c * 100 + 100; ++i)
            {
                shards.back().push_back(i);
            }
            sched::CapacityProfile p;
            p.computeGflops = 5.0 + c;
            p.uplinkBps = 1e6 * (c + 1);
            scoreboard.Announce(c, "tier-" + std::to_string(c), p);
        }
        coordinator = std::make_unique<FedMoeRoundCoordinator>(
            model, settings,
            [this](const sched::AlignmentInput& in)
            {
                inputs.push_back(in);
                sched::Assignment a;
                for (const auto& c : in.clients)
                {
                    std::vector<uint32_t> e{c.id % kExperts, (c.id + 1) % kExperts};
                    std::sort(e.begin(), e.end());
                    a.clients.push_back({c.id, e});
                }
                return a;
            },
            [this](uint32_t c) -> const std::vector<int64_t>&
            {
                return shards.at(c);
            },
            scoreboard);
    }

    static FedMoeRoundSettings Settings()
    {
        FedMoeRoundSettings s;
        s.rounds = 3;
        s.localSteps = 3;
        s.deadlineS = 10;
        return s;
    }

    static std::shared_ptr<learning::FederatedMoe> NewModel()
    {
        fedmoe_test::ScenarioOptions o;
        return std::make_shared<learning::FederatedMoe>(fedmoe_test::SmallModel(o),
                                                        learning::TrainOptions());
    }

    FedMoeRoundPlan Plan(double startS)
    {
        return coordinator->Plan(startS, startS + settings.deadlineS, 42,
                                 [this]()
                                 {
                                     return nextSeed++;
                                 });
    }

    FedMoeRoundSettings settings;
    std::shared_ptr<learning::FederatedMoe> model;
    std::vector<std::vector<int64_t>> shards;
    FedMoeClientScoreboard scoreboard;
    std::unique_ptr<FedMoeRoundCoordinator> coordinator;
    std::vector<sched::AlignmentInput> inputs; //!< what the policy saw
    uint64_t nextSeed{100};
};

/// The job of a client in a plan.
const learning::TrainJob&
JobOf(const FedMoeRoundPlan& plan, uint32_t client)
{
    for (const auto& j : plan.jobs)
    {
        if (j.client == client)
        {
            return j;
        }
    }
    throw std::out_of_range("no job");
}

} // namespace

TEST(FedMoeRoundCoordinator, PlanAsksThePolicyForTheConnectedClientsAndEncodesTheGlobalModel)
{
    Fixture f;
    f.scoreboard.SetConnected(3, false);
    f.coordinator->Begin(4);
    const FedMoeRoundPlan plan = f.Plan(20.0);

    EXPECT_EQ(plan.round, 1u);
    EXPECT_EQ(plan.participants, 3u);
    ASSERT_EQ(f.inputs.size(), 1u);
    const sched::AlignmentInput& in = f.inputs[0];
    ASSERT_EQ(in.clients.size(), 3u);
    EXPECT_EQ(in.clients[2].id, 2u);
    EXPECT_EQ(in.clients[1].profile.computeGflops, 6.0); // as announced
    EXPECT_EQ(in.clients[1].samples, 3.0 * learning::TrainOptions().batchSize);
    EXPECT_EQ(in.fitness, std::vector<double>(3 * kExperts, 0.5)); // the prior
    EXPECT_EQ(in.usage, std::vector<double>(kExperts, 0.0));
    EXPECT_EQ(in.constraints.deadlineS, 10.0);
    EXPECT_EQ(in.constraints.maxExpertsPerClient, 2u);

    const std::map<uint32_t, std::vector<uint32_t>> expected{{0, {0, 1}}, {1, {1, 2}}, {2, {2, 3}}};
    EXPECT_EQ(plan.assignment, expected);
    ASSERT_EQ(plan.assigns.size(), 3u);
    ASSERT_EQ(plan.jobs.size(), 3u);
    for (std::size_t i = 0; i < 3; ++i)
    {
        const uint32_t client = plan.jobs[i].client;
        const FedMoeBytes& bytes = plan.assigns[i];
        EXPECT_EQ(client, i);
        FedMoeAssign a;
        ASSERT_EQ(FedMoePayload::Decode(bytes, a), "");
        EXPECT_EQ(a.deadlineSeconds, 30.0);
        EXPECT_EQ(a.localSteps, 3u);
        EXPECT_EQ(a.seed, 100u + i); // one seed per job, in client order
        EXPECT_EQ(a.experts, expected.at(client));
        EXPECT_EQ(a.gate, f.model->EncodeGate());
        EXPECT_EQ(a.expertParams.at(1), f.model->EncodeExpert(a.experts[1]));
        // The job is what the ASSIGN describes, on the client's shard.
        const learning::TrainJob job = FedMoeJobMessages::MakeJob(client, a, f.shards[client]);
        EXPECT_EQ(JobOf(plan, client).seed, job.seed);
        EXPECT_EQ(JobOf(plan, client).expertParams, job.expertParams);
        EXPECT_EQ(JobOf(plan, client).shard, f.shards[client]);
        EXPECT_EQ(f.scoreboard.GetState(client).roundsAssigned, 1u);
    }
    EXPECT_EQ(f.scoreboard.GetState(3).roundsAssigned, 0u);
    EXPECT_TRUE(f.coordinator->IsOpen());
    EXPECT_FALSE(f.coordinator->AllArrived());
}

TEST(FedMoeRoundCoordinator, CloseAggregatesOnlyTheArrivedUpdatesAndDropsTheRest)
{
    Fixture f;
    f.coordinator->Begin(4);
    const FedMoeRoundPlan plan = f.Plan(0.0);
    ASSERT_EQ(plan.jobs.size(), 4u);
    // Clients 0 and 2 arrive; 1 and 3 do not.
    const learning::TrainResult r0 = f.model->Train(JobOf(plan, 0));
    const learning::TrainResult r2 = f.model->Train(JobOf(plan, 2));
    ASSERT_TRUE(r0.error.empty() && r2.error.empty());
    EXPECT_TRUE(f.coordinator->Accept(r2, 3.0).Ok());
    EXPECT_TRUE(f.coordinator->Accept(r0, 2.0).Ok());
    EXPECT_FALSE(f.coordinator->AllArrived());
    const FedMoeRoundOutcome out = f.coordinator->Close(12.5, 1000, 500);

    EXPECT_EQ(out.dropped, (std::vector<uint32_t>{1, 3}));
    EXPECT_TRUE(out.refused.empty());
    EXPECT_EQ(out.record.round, 1u);
    EXPECT_EQ(out.record.participants, 4u);
    EXPECT_EQ(out.record.dropped, 2u);
    EXPECT_EQ(out.record.simTimeS, 12.5);
    EXPECT_EQ(out.record.bytesDown, 1000u);
    EXPECT_EQ(out.record.bytesUp, 500u);
    EXPECT_FALSE(out.runOver);
    EXPECT_EQ(f.scoreboard.GetState(1).roundsDropped, 1u);
    EXPECT_EQ(f.scoreboard.GetState(0).roundsDropped, 0u);
    EXPECT_EQ(f.coordinator->GetDroppedCount(), 2u);

    // A twin model that aggregates exactly the two arrived updates.
    auto twin = Fixture::NewModel();
    twin->Aggregate({r0, r2}, learning::AggregationOptions());
    EXPECT_EQ(f.model->EncodeGate(), twin->EncodeGate());
    for (uint32_t e = 0; e < kExperts; ++e)
    {
        EXPECT_EQ(f.model->EncodeExpert(e), twin->EncodeExpert(e)) << "expert " << e;
    }
    const learning::Evaluation ev = twin->Evaluate();
    EXPECT_EQ(out.record.testAccuracy, ev.accuracy);
    EXPECT_EQ(out.record.testLoss, ev.loss);
    EXPECT_EQ(f.coordinator->GetFinalAccuracy(), ev.accuracy);
    // ... and not the model with every update: client 1's work is not in it.
    auto all = Fixture::NewModel();
    all->Aggregate({r0, f.model->Train(JobOf(plan, 1)), r2}, learning::AggregationOptions());
    EXPECT_NE(f.model->EncodeExpert(1), all->EncodeExpert(1));
}

TEST(FedMoeRoundCoordinator, ScoresAfterARoundAreTheHandComputedEmas)
{
    Fixture f;
    f.coordinator->Begin(4);
    const FedMoeRoundPlan plan = f.Plan(0.0);
    const learning::TrainResult r0 = f.model->Train(JobOf(plan, 0));
    ASSERT_TRUE(f.coordinator->Accept(r0, 2.0).Ok());
    f.coordinator->Close(10.0, 0, 0);

    const sched::FitnessParameters fp;
    const sched::FitnessTracker& fitness = f.scoreboard.GetFitness();
    for (uint32_t e : {0u, 1u})
    {
        const double reward = fp.lossWeight / (1.0 + r0.meanLoss)
                              + (1.0 - fp.lossWeight) * std::clamp(r0.routingShare[e], 0.0, 1.0);
        EXPECT_DOUBLE_EQ(fitness.Score(0, e), (1 - fp.smoothing) * fp.prior + fp.smoothing * reward)
            << "expert " << e;
    }
    // Untrained pairs stay at the prior they decay to; dropped clients learn nothing.
    EXPECT_DOUBLE_EQ(fitness.Score(0, 2), fp.prior);
    EXPECT_DOUBLE_EQ(fitness.Score(1, 1), fp.prior);

    // Usage: EMA of the samples client 0 routed to the experts it trained.
    const double s = sched::UsageParameters().smoothing;
    const sched::ExpertUsageTracker& usage = f.scoreboard.GetUsage();
    EXPECT_DOUBLE_EQ(usage.Usage(0), s * static_cast<double>(r0.routedSamples[0]));
    EXPECT_DOUBLE_EQ(usage.Usage(1), s * static_cast<double>(r0.routedSamples[1]));
    EXPECT_DOUBLE_EQ(usage.Usage(2), 0.0);
    EXPECT_GT(r0.routedSamples[0] + r0.routedSamples[1], 0u);

    // Completion ratio of client 0: 2 s observed against the policy's input's prediction.
    const sched::AlignmentInput& in = f.inputs.at(0);
    const sched::CapacityEstimator estimator(in.capacity);
    const sched::ClientRates rates = estimator.Rates(in.clients[0].profile, in.clients[0].channel,
                                                     in.clients[0].samples, in.model);
    const double predicted = sched::CapacityEstimator::RoundTime(rates, in.model, {0, 1});
    ASSERT_GT(predicted, 0.0);
    EXPECT_DOUBLE_EQ(f.scoreboard.GetState(0).completionRatio, 0.7 + 0.3 * (2.0 / predicted));
    // A participant whose update never came: no verdict until the next round ends.
    EXPECT_DOUBLE_EQ(f.scoreboard.GetState(1).completionRatio, 1.0);
    // The next input carries the new scores.
    f.Plan(10.0);
    ASSERT_EQ(f.inputs.size(), 2u);
    EXPECT_DOUBLE_EQ(f.inputs[1].fitness[0], fitness.Score(0, 0));
    EXPECT_DOUBLE_EQ(f.inputs[1].usage[1], usage.Usage(1));
    EXPECT_DOUBLE_EQ(f.inputs[1].clients[0].channel.completionRatio,
                     f.scoreboard.GetState(0).completionRatio);
}

TEST(FedMoeRoundCoordinator, RefusesUpdatesItDidNotAskFor)
{
    Fixture f;
    f.scoreboard.SetConnected(3, false);
    f.coordinator->Begin(4);
    const FedMoeRoundPlan plan = f.Plan(0.0);
    EXPECT_EQ(f.coordinator->Expect(2, 0).verdict, FedMoeUpdateCheck::UNEXPECTED);
    EXPECT_EQ(f.coordinator->Expect(1, 3).verdict, FedMoeUpdateCheck::UNEXPECTED);
    EXPECT_TRUE(f.coordinator->Expect(1, 0).Ok());

    learning::TrainResult r0 = f.model->Train(JobOf(plan, 0));
    learning::TrainResult wrongExperts = r0;
    wrongExperts.experts = {2, 3};
    const FedMoeUpdateCheck c = f.coordinator->Accept(wrongExperts, 1.0);
    EXPECT_EQ(c.verdict, FedMoeUpdateCheck::UNEXPECTED);
    EXPECT_EQ(c.detail, "experts {2,3} updated, {0,1} assigned");
    learning::TrainResult shortStats = r0;
    shortStats.routedSamples.pop_back();
    EXPECT_EQ(f.coordinator->Accept(shortStats, 1.0).verdict, FedMoeUpdateCheck::MALFORMED);

    EXPECT_TRUE(f.coordinator->Accept(r0, 1.0).Ok());
    EXPECT_EQ(f.coordinator->Accept(r0, 1.5).detail, "a second UPDATE in one round");
    for (uint32_t c2 : {1u, 2u})
    {
        EXPECT_TRUE(f.coordinator->Accept(f.model->Train(JobOf(plan, c2)), 2.0).Ok());
    }
    EXPECT_TRUE(f.coordinator->AllArrived());
    const FedMoeRoundOutcome out = f.coordinator->Close(3.0, 0, 0);
    EXPECT_TRUE(out.dropped.empty());
    EXPECT_EQ(f.coordinator->Expect(1, 0).detail, "an UPDATE for round 1 (late: closed)");
}

TEST(FedMoeRoundCoordinator, AnUpdateTheLearningCoreRefusesIsLeftOut)
{
    Fixture f;
    f.coordinator->Begin(4);
    const FedMoeRoundPlan plan = f.Plan(0.0);
    std::vector<learning::TrainResult> results;
    for (uint32_t c = 0; c < 4; ++c)
    {
        results.push_back(f.model->Train(JobOf(plan, c)));
    }
    results[2].expertParams[0].resize(7); // bytes the codec cannot read
    for (const auto& r : results)
    {
        ASSERT_TRUE(f.coordinator->Accept(r, 1.0).Ok());
    }
    const FedMoeRoundOutcome out = f.coordinator->Close(2.0, 0, 0);
    ASSERT_EQ(out.refused.size(), 1u);
    EXPECT_EQ(out.refused[0].first, 2u);
    EXPECT_EQ(out.dropped, (std::vector<uint32_t>{2}));
    auto twin = Fixture::NewModel();
    twin->Aggregate({results[0], results[1], results[3]}, learning::AggregationOptions());
    EXPECT_EQ(f.model->EncodeExpert(2), twin->EncodeExpert(2));
}

TEST(FedMoeRoundCoordinator, EvaluatesWhenDueAndEndsTheRun)
{
    FedMoeRoundSettings s = Fixture::Settings();
    s.evaluationInterval = 2;
    s.rounds = 3;
    Fixture f(s);
    f.coordinator->Begin(0);
    std::vector<FedMoeRoundOutcome> outs;
    for (int r = 0; r < 3; ++r)
    {
        f.Plan(10.0 * r);
        outs.push_back(f.coordinator->Close(10.0 * r + 5, 10, 20)); // nobody arrives
    }
    EXPECT_TRUE(std::isnan(outs[0].record.testAccuracy));
    EXPECT_FALSE(std::isnan(outs[1].record.testAccuracy));
    EXPECT_FALSE(std::isnan(outs[2].record.testAccuracy)); // the last round is evaluated
    EXPECT_FALSE(outs[1].runOver);
    EXPECT_TRUE(outs[2].runOver);
    EXPECT_EQ(f.coordinator->GetRecords().size(), 3u);
    EXPECT_EQ(f.coordinator->GetBytesDown(), 30u);
    EXPECT_EQ(f.coordinator->GetBytesUp(), 60u);
    EXPECT_EQ(f.coordinator->GetDroppedCount(), 12u);
    EXPECT_EQ(f.coordinator->GetRoundsToTarget(), 0u);

    FedMoeRoundSettings t = Fixture::Settings();
    t.targetAccuracy = 1e-6;
    t.stopAtTarget = true;
    Fixture g(t);
    g.coordinator->Begin(0);
    g.Plan(0.0);
    const FedMoeRoundOutcome first = g.coordinator->Close(7.0, 0, 0);
    EXPECT_TRUE(first.reachedTarget);
    EXPECT_TRUE(first.runOver);
    EXPECT_EQ(g.coordinator->GetRoundsToTarget(), 1u);
    EXPECT_EQ(g.coordinator->GetTimeToTargetS(), 7.0);
}

TEST(FedMoeRoundCoordinator, SettingsAreValidated)
{
    FedMoeRoundSettings s;
    s.aggregation.rule = "mode";
    EXPECT_THROW(Fixture{s}, std::invalid_argument);
    s = FedMoeRoundSettings();
    s.fitness.smoothing = 0;
    EXPECT_THROW(Fixture{s}, std::invalid_argument);
    s = FedMoeRoundSettings();
    s.participation = 1.5;
    EXPECT_THROW(Fixture{s}, std::invalid_argument);
    for (double bad : {0.0, 1.5})
    {
        s = FedMoeRoundSettings();
        s.planningFraction = bad;
        EXPECT_THROW(Fixture{s}, std::invalid_argument);
        s = FedMoeRoundSettings();
        s.minWorkFraction = bad;
        EXPECT_THROW(Fixture{s}, std::invalid_argument);
    }
    s = FedMoeRoundSettings();
    s.observationHalfLifeS = 0;
    EXPECT_THROW(Fixture{s}, std::invalid_argument);
}

TEST(FedMoeRoundCoordinator, PoliciesPlanToTheirShareOfTheDeadline)
{
    FedMoeRoundSettings s = Fixture::Settings();
    s.planningFraction = 0.25;
    s.minWorkFraction = 0.5;
    s.observationHalfLifeS = 42;
    Fixture f(s);
    f.coordinator->Begin(4);
    f.Plan(0.0);
    ASSERT_EQ(f.inputs.size(), 1u);
    EXPECT_DOUBLE_EQ(f.inputs[0].constraints.deadlineS, 0.25 * s.deadlineS);
    EXPECT_DOUBLE_EQ(f.inputs[0].constraints.minWorkFraction, 0.5);
    EXPECT_DOUBLE_EQ(f.inputs[0].capacity.observationHalfLifeS, 42);
    // A cut job keeps one step at least: 3 steps allow no share below 1 / 3.
    s.minWorkFraction = 0.1;
    Fixture g(s);
    g.coordinator->Begin(4);
    g.Plan(0.0);
    EXPECT_DOUBLE_EQ(g.inputs[0].constraints.minWorkFraction, 1.0 / 3.0);
}

TEST(FedMoeRoundCoordinator, ReceiveDecodesOnlyWantedPayloadsAndRefusesBadBytes)
{
    Fixture f;
    f.coordinator->Begin(4);
    const FedMoeRoundPlan plan = f.Plan(0.0);
    const learning::TrainResult r0 = f.model->Train(JobOf(plan, 0));
    const FedMoeBytes payload = FedMoePayload::Encode(FedMoeJobMessages::ToUpdate(r0));
    learning::TrainResult got;

    // Not wanted (another round): refused before its bytes are looked at.
    FedMoeBytes garbage(payload.size(), 0xAB);
    EXPECT_EQ(f.coordinator->Receive(2, 0, garbage, 1.0, got).verdict,
              FedMoeUpdateCheck::UNEXPECTED);
    // Wanted, but bad bytes (cut short): MALFORMED, and the client may still answer.
    FedMoeBytes cut(payload.begin(), payload.begin() + payload.size() / 2);
    const FedMoeUpdateCheck bad = f.coordinator->Receive(1, 0, cut, 1.0, got);
    EXPECT_EQ(bad.verdict, FedMoeUpdateCheck::MALFORMED);
    EXPECT_FALSE(bad.detail.empty());
    EXPECT_FALSE(f.coordinator->AllArrived());

    // The real payload: accepted, and what it decoded to is the update sent.
    ASSERT_TRUE(f.coordinator->Receive(1, 0, payload, 1.0, got).Ok());
    EXPECT_EQ(got.client, 0u);
    EXPECT_EQ(got.experts, r0.experts);
    EXPECT_EQ(got.routedSamples, r0.routedSamples);
    EXPECT_EQ(f.coordinator->Receive(1, 0, payload, 1.2, got).detail,
              "a second UPDATE in one round");
}

TEST(FedMoeRoundCoordinator, PersonalAccuracyIsTheMeanOverClientsOfTheirBestExperts)
{
    Fixture f;
    // Held-out splits outside the shards (indices 400..): client c holds out 20 samples.
    std::vector<std::vector<int64_t>> holdouts;
    for (uint32_t c = 0; c < 4; ++c)
    {
        holdouts.emplace_back();
        for (int64_t i = 400 + c * 20; i < 420 + c * 20; ++i)
        {
            holdouts.back().push_back(i);
        }
    }
    EXPECT_TRUE(std::isnan(f.coordinator->PersonalAccuracy())); // no splits yet
    f.coordinator->SetHoldouts(
        [&](uint32_t c) -> const std::vector<int64_t>&
        {
            return holdouts.at(c);
        });
    f.coordinator->Begin(4);
    const FedMoeRoundPlan plan = f.Plan(0.0);
    for (uint32_t c = 0; c < 4; ++c)
    {
        ASSERT_TRUE(f.coordinator->Accept(f.model->Train(JobOf(plan, c)), 1.0).Ok());
    }
    const FedMoeRoundOutcome out = f.coordinator->Close(5.0, 0, 0);

    // Best experts: the ones the client trained (after one round an untrained
    // pair still sits at the optimistic prior, above a first reward), by score.
    double sum = 0;
    for (uint32_t c = 0; c < 4; ++c)
    {
        const std::vector<uint32_t> best = f.coordinator->BestExperts(c);
        ASSERT_EQ(best.size(), 2u); // MaxExpertsPerClient
        const sched::FitnessTracker& fit = f.scoreboard.GetFitness();
        EXPECT_GE(fit.Score(c, best[0]), fit.Score(c, best[1]));
        std::vector<uint32_t> sorted = best;
        std::sort(sorted.begin(), sorted.end());
        std::vector<uint32_t> trained{c % kExperts, (c + 1) % kExperts};
        std::sort(trained.begin(), trained.end());
        EXPECT_EQ(sorted, trained) << "client " << c;
        sum += f.model->EvaluateOn(holdouts[c], best).accuracy;
    }
    EXPECT_DOUBLE_EQ(out.record.personalAccuracy, sum / 4.0);
    EXPECT_DOUBLE_EQ(f.coordinator->GetFinalPersonalAccuracy(), sum / 4.0);
}
