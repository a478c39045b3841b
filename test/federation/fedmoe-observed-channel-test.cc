// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the server observes reaches the channel-aware policy: a device that
 * announces a link ten times faster than it has is found out within two
 * rounds and stops missing the deadline (end to end, over p2p links); a
 * client whose link degrades gets less work; one too slow for the deadline
 * gets fewer local steps instead of nothing; clients left out are counted.
 */

#include "fedmoe-scenario.h"
#include "fedmoe/scheduling/channel-aware-policy.h"

#include "ns3/fedmoe-round-coordinator.h"
#include "ns3/fedmoe-scenario.h"
#include "ns3/fedmoe-server-application.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <random>

using namespace ns3;
namespace learning = fedmoe::learning;
namespace sched = fedmoe::scheduling;

namespace
{

/// participants.csv rows, as the server traces them.
std::vector<FedMoeParticipantRecord>
Participants(fedmoe_test::Scenario& s)
{
    auto rows = std::make_shared<std::vector<FedMoeParticipantRecord>>();
    s.fed.GetServer()->TraceConnectWithoutContext("ParticipantRecorded",
                                                  Callback<void, const FedMoeParticipantRecord&>(
                                                      [rows](const FedMoeParticipantRecord& r)
                                                      {
                                                          rows->push_back(r);
                                                      }));
    s.Run();
    return *rows;
}

/// The row of a client in a round.
const FedMoeParticipantRecord&
Row(const std::vector<FedMoeParticipantRecord>& rows, uint32_t round, uint32_t client)
{
    for (const auto& r : rows)
    {
        if (r.round == round && r.client == client)
        {
            return r;
        }
    }
    throw std::out_of_range("no row for client " + std::to_string(client) + " in round "
                            + std::to_string(round));
}

/// Four Raspberry Pis announce 60/100 Mbit/s; client 3's link carries a
/// tenth. The experts are ~200 KB, so its two-expert round takes ~0.9 s of
/// transfers against a 0.7 s deadline, a one-expert round ~0.5 s.
fedmoe_test::ScenarioOptions
OverstatedUplink(const std::string& policy, uint32_t rounds)
{
    fedmoe_test::ScenarioOptions o;
    o.policy = policy;
    o.rounds = rounds;
    o.features = 784;
    o.hidden = 64;
    o.deadlineS = 0.7;
    o.rateFactors = {1.0, 1.0, 1.0, 0.1};
    return o;
}

} // namespace

TEST(FedMoeObservedChannel, AnUplinkOverstatedTenfoldIsFoundOutByRoundThree)
{
    fedmoe_test::ScenarioOptions o = OverstatedUplink("channel-aware", 6);
    fedmoe_test::Scenario s(o);
    const std::vector<FedMoeParticipantRecord> rows = Participants(s);

    // Round 1 believes the announcement: two experts, and the update misses.
    const FedMoeParticipantRecord& first = Row(rows, 1, 3);
    EXPECT_EQ(first.experts, 2u);
    EXPECT_EQ(first.status, "missing");
    EXPECT_LT(first.predictedS, 0.2);
    // From round 3 on the policy predicts its round within 20 % and it is in time.
    for (uint32_t round = 3; round <= o.rounds; ++round)
    {
        const FedMoeParticipantRecord& r = Row(rows, round, 3);
        ASSERT_EQ(r.status, "used") << "round " << round;
        EXPECT_LT(r.arrivalS, o.deadlineS) << "round " << round;
        EXPECT_NEAR(r.predictedS / r.arrivalS, 1.0, 0.2)
            << "round " << round << ": predicted " << r.predictedS << " s, took " << r.arrivalS
            << " s";
        EXPECT_EQ(r.experts, 1u) << "round " << round;
    }
    // The honest devices keep their two experts and their rounds.
    for (uint32_t client = 0; client < 3; ++client)
    {
        EXPECT_EQ(Row(rows, o.rounds, client).experts, 2u) << "client " << client;
        EXPECT_EQ(Row(rows, o.rounds, client).status, "used") << "client " << client;
    }
    // What it announced is still what it announced: the policy learnt the rest.
    const FedMoeClientState& state
        = s.fed.GetServer()->GetCoordinator()->GetScoreboard().GetState(3);
    EXPECT_DOUBLE_EQ(state.capacity.uplinkBps, 60e6);
}

TEST(FedMoeObservedChannel, OverstatedDevicesAreAShareDrawnFromTheSeed)
{
    FedMoeScenario a;
    a.clients = 20;
    a.overstated = 0.5;
    a.overstatement = 10;
    const std::vector<double> f = a.RateFactors();
    ASSERT_EQ(f.size(), 20u);
    EXPECT_EQ(std::count(f.begin(), f.end(), 0.1), 10);
    EXPECT_EQ(std::count(f.begin(), f.end(), 1.0), 10);
    EXPECT_EQ(a.RateFactors(), f); // same seed, same devices
    a.seed = 2;
    EXPECT_NE(a.RateFactors(), f);
    a.overstated = 0;
    EXPECT_EQ(a.RateFactors(), std::vector<double>(20, 1.0));
}

TEST(FedMoeObservedChannel, TheOracleKnowsTheSlowLinkFromTheFirstRound)
{
    fedmoe_test::ScenarioOptions o = OverstatedUplink("channel-aware", 2);
    o.oracle = true;
    fedmoe_test::Scenario s(o);
    const std::vector<FedMoeParticipantRecord> rows = Participants(s);
    const FedMoeParticipantRecord& first = Row(rows, 1, 3);
    EXPECT_EQ(first.experts, 1u);
    EXPECT_EQ(first.status, "used");
    EXPECT_GT(first.predictedS, 0.3); // the true 6 / 10 Mbit/s, not the announced 60 / 100
    EXPECT_EQ(Row(rows, 1, 0).experts, 2u);
}

TEST(FedMoeObservedChannel, TheOracleNeedsPointToPointLinks)
{
    fedmoe_test::ScenarioOptions o;
    o.wifi = true;
    o.distances = {5, 5, 5, 5};
    o.oracle = true;
    EXPECT_THROW(
        {
            try
            {
                fedmoe_test::Scenario s(o);
            }
            catch (const std::invalid_argument& e)
            {
                EXPECT_NE(std::string(e.what()).find("--network=p2p"), std::string::npos);
                throw;
            }
        },
        std::invalid_argument);
    Simulator::Destroy();
}

TEST(FedMoeObservedChannel, ChannelBlindPoliciesKeepMissingTheDeadline)
{
    // The same devices under load-balanced: no deadline in its decisions, so
    // the overstating device keeps two experts and keeps missing.
    fedmoe_test::ScenarioOptions o = OverstatedUplink("load-balanced", 4);
    fedmoe_test::Scenario s(o);
    const std::vector<FedMoeParticipantRecord> rows = Participants(s);
    for (uint32_t round = 1; round <= o.rounds; ++round)
    {
        EXPECT_EQ(Row(rows, round, 3).status, "missing") << "round " << round;
    }
}

namespace
{

/// A coordinator with the channel-aware policy over four announced clients
/// with fast links, and no network: observations are handed in.
struct ChannelAwareRounds
{
    ChannelAwareRounds()
    {
        fedmoe_test::ScenarioOptions o;
        model = std::make_shared<learning::FederatedMoe>(fedmoe_test::SmallModel(o),
                                                         learning::TrainOptions());
        settings.rounds = 10;
        settings.localSteps = 8;
        settings.deadlineS = 10;
        settings.maxExpertsPerClient = 2;
        settings.minWorkFraction = 0.25;
        for (uint32_t c = 0; c < 4; ++c)
        {
            shards.emplace_back();
            for (int64_t i = c * 100; i < c * 100 + 100; ++i)
            {
                shards.back().push_back(i);
            }
            sched::CapacityProfile p;
            p.computeGflops = 10;
            p.uplinkBps = 50e6;
            p.downlinkBps = 50e6;
            p.latencyS = 0.005;
            scoreboard.Announce(c, "pi", p);
        }
        coordinator = std::make_unique<FedMoeRoundCoordinator>(
            model, settings,
            [](const sched::AlignmentInput& in)
            {
                std::mt19937_64 rng(1);
                return sched::ChannelAwarePolicy().Assign(in, rng);
            },
            [this](uint32_t c) -> const std::vector<int64_t>&
            {
                return shards.at(c);
            },
            scoreboard);
        coordinator->Begin(4);
    }

    /// Plans a round at startS, trains every job, each update arriving when
    /// predicted (the completion ratios stay 1), and closes the round.
    FedMoeRoundOutcome Round(double startS, FedMoeRoundPlan& plan)
    {
        plan = coordinator->Plan(startS, startS + settings.deadlineS, 42,
                                 [this]()
                                 {
                                     return seed++;
                                 });
        for (const auto& job : plan.jobs)
        {
            const double predicted = coordinator->PredictedSeconds(job.client);
            EXPECT_GT(predicted, 0.0);
            EXPECT_TRUE(coordinator->Accept(model->Train(job), predicted).Ok());
        }
        return coordinator->Close(startS + settings.deadlineS, 0, 0);
    }

    /// An observed link of rate bps both ways, measured at atS.
    void ObserveLink(uint32_t client, double bps, double atS)
    {
        FedMoeLinkObservation o;
        o.goodputBps = bps;
        o.transferSamples = ++transfers;
        o.observedAtS = atS;
        scoreboard.ObserveUplink(client, o);
        scoreboard.ObserveDownlink(client, o);
    }

    FedMoeRoundSettings settings;
    std::shared_ptr<learning::FederatedMoe> model;
    std::vector<std::vector<int64_t>> shards;
    FedMoeClientScoreboard scoreboard;
    std::unique_ptr<FedMoeRoundCoordinator> coordinator;
    uint64_t seed{1};
    uint32_t transfers{0};
};

} // namespace

TEST(FedMoeObservedChannel, ALinkThatDegradesGetsLessWorkThenNone)
{
    ChannelAwareRounds r;
    FedMoeRoundPlan plan;
    FedMoeRoundOutcome out = r.Round(0.0, plan);
    EXPECT_EQ(plan.assignment.at(3).size(), 2u);
    EXPECT_EQ(out.record.leftOut, 0u);

    // Client 3's link is observed at a rate where the gate and 1.5 experts
    // take the whole deadline both ways: two experts no longer fit, one does.
    const double bytes = r.model->GateBytes() + 1.5 * r.model->ExpertBytes();
    r.ObserveLink(3, bytes * 16.0 / r.settings.deadlineS, 1.5);
    out = r.Round(10.0, plan);
    ASSERT_EQ(plan.assignment.count(3), 1u);
    EXPECT_EQ(plan.assignment.at(3).size(), 1u);
    for (uint32_t c = 0; c < 3; ++c)
    {
        EXPECT_EQ(plan.assignment.at(c).size(), 2u) << "client " << c;
    }

    // Worse still: not even the gate's transfer fits. Fewer steps cannot help
    // (transfers do not shrink): it is left out, and counted as such.
    r.ObserveLink(3, r.model->GateBytes() * 16.0 / r.settings.deadlineS, 11.5);
    out = r.Round(20.0, plan);
    EXPECT_EQ(plan.assignment.count(3), 0u);
    EXPECT_EQ(plan.leftOut, 1u);
    EXPECT_EQ(out.record.picked, 4u);
    EXPECT_EQ(out.record.participants, 3u);
    EXPECT_EQ(out.record.leftOut, 1u);
    ASSERT_EQ(out.participants.size(), 4u);
    EXPECT_EQ(out.participants[3].client, 3u);
    EXPECT_EQ(out.participants[3].status, "left_out");
    EXPECT_EQ(out.participants[0].status, "used");
}

TEST(FedMoeObservedChannel, ComputeSlowerThanAnnouncedGetsFewerStepsThatFit)
{
    ChannelAwareRounds r;
    FedMoeRoundPlan plan;
    r.Round(0.0, plan);
    ASSERT_EQ(plan.steps.at(2), 8u);

    // Client 2 computes at a speed where its full work takes 2.5 deadlines.
    const double samples = 8.0 * r.model->GetTrainOptions().batchSize;
    const double flops = r.model->TrainFlopsPerSample(1) * samples;
    r.scoreboard.ObserveCompute(2, flops / (2.5 * r.settings.deadlineS) / 1e9, 9.5, 1.0);
    const FedMoeRoundOutcome out = r.Round(10.0, plan);
    ASSERT_EQ(plan.assignment.count(2), 1u);
    const uint32_t steps = plan.steps.at(2);
    EXPECT_GE(steps, 2u); // at least MinWorkFraction of 8
    EXPECT_LE(steps, 3u); // what fits: under 8 / 2.5
    EXPECT_EQ(plan.assignment.at(2).size(), 1u);
    EXPECT_EQ(out.record.partial, 1u);
    for (const auto& job : plan.jobs)
    {
        EXPECT_EQ(job.steps, job.client == 2 ? steps : 8u) << "client " << job.client;
    }
    EXPECT_EQ(out.participants[2].localSteps, steps);
    EXPECT_LE(out.participants[2].predictedS, r.settings.deadlineS);
    EXPECT_EQ(out.participants[2].status, "used");
}

TEST(FedMoeObservedChannel, AnUpdateClaimingMoreSamplesThanItsStepsIsRefused)
{
    ChannelAwareRounds r;
    const FedMoeRoundPlan plan = r.coordinator->Plan(0.0, 10.0, 42,
                                                     [&r]()
                                                     {
                                                         return r.seed++;
                                                     });
    learning::TrainResult result = r.model->Train(plan.jobs.at(0));
    result.samples += 1; // a weight in aggregation it did not earn
    const FedMoeUpdateCheck check = r.coordinator->Accept(result, 1.0);
    EXPECT_EQ(check.verdict, FedMoeUpdateCheck::MALFORMED);
    EXPECT_NE(check.detail.find("8 steps"), std::string::npos) << check.detail;
}
