// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeClientScoreboard: the announced capacity is what the scheduler sees;
 * observed goodput and RTT replace the nominal figures only once measured;
 * disconnected clients are not offered; clients.csv rows carry one shape of
 * capacity and the observed channel.
 */

#include "ns3/fedmoe-client-scoreboard.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace ns3;
namespace sched = fedmoe::scheduling;

namespace
{

sched::CapacityProfile
Capacity(double gflops)
{
    sched::CapacityProfile p;
    p.computeGflops = gflops;
    p.cores = 4;
    p.memoryMb = 2000;
    p.uplinkBps = 20e6;
    p.downlinkBps = 80e6;
    p.latencyS = 0.004;
    return p;
}

} // namespace

TEST(FedMoeClientScoreboard, TheSchedulerSeesTheAnnouncedCapacityAndTheObservedChannel)
{
    FedMoeClientScoreboard board;
    board.Announce(2, "laptop", Capacity(150));
    board.Announce(5, "mcu", Capacity(0.5));
    EXPECT_EQ(board.AnnouncedCount(), 2u);
    EXPECT_EQ(board.ConnectedCount(), 2u);
    EXPECT_EQ(board.MaxAnnouncedId(), 5u);

    // Nothing measured yet: zeros, so the announced figures stand in.
    sched::ChannelObservation o = board.ObservationOf(2);
    EXPECT_EQ(o.goodputUpBps, 0.0);
    EXPECT_EQ(o.goodputDownBps, 0.0);
    EXPECT_EQ(o.rttS, 0.0);
    EXPECT_EQ(o.completionRatio, 1.0);

    FedMoeLinkObservation up;
    up.goodputBps = 12e6;
    up.transferSamples = 1;
    up.rttS = 0.03;
    up.rttSamples = 0; // not measured yet: ignored
    board.ObserveUplink(2, up);
    FedMoeLinkObservation down;
    down.goodputBps = 40e6;
    down.transferSamples = 2;
    board.ObserveDownlink(2, down);
    o = board.ObservationOf(2);
    EXPECT_EQ(o.goodputUpBps, 12e6);
    EXPECT_EQ(o.goodputDownBps, 40e6);
    EXPECT_EQ(o.rttS, 0.0);
    up.rttSamples = 3;
    board.ObserveUplink(2, up);
    EXPECT_EQ(board.ObservationOf(2).rttS, 0.03);

    board.SetConnected(5, false);
    const std::vector<sched::ClientInfo> available = board.Available(64);
    ASSERT_EQ(available.size(), 1u);
    EXPECT_EQ(available[0].id, 2u);
    EXPECT_EQ(available[0].profile.computeGflops, 150.0);
    EXPECT_EQ(available[0].profile.latencyS, 0.004);
    EXPECT_EQ(available[0].channel.goodputUpBps, 12e6);
    EXPECT_EQ(available[0].samples, 64.0);
    EXPECT_FALSE(board.IsConnected(5));
    EXPECT_TRUE(board.IsConnected(2));
    EXPECT_FALSE(board.IsConnected(3));
}

TEST(FedMoeClientScoreboard, CompletionRatiosMoveOnlyOnEvidence)
{
    FedMoeClientScoreboard board;
    for (uint32_t c = 0; c < 3; ++c)
    {
        board.Announce(c, "t", Capacity(10));
    }
    // Client 0 took twice the prediction; client 1's update never came; 2 sat out.
    std::map<uint32_t, FedMoeCompletion> round{{0, {true, 5.0, 10.0}}, {1, {false, 5.0, 0.0}}};
    board.RecordCompletions(round, 0.5);
    EXPECT_DOUBLE_EQ(board.GetState(0).completionRatio, 0.5 * 1.0 + 0.5 * 2.0);
    EXPECT_DOUBLE_EQ(board.GetState(1).completionRatio, 1.0);
    EXPECT_DOUBLE_EQ(board.GetState(2).completionRatio, 1.0);
    // Sitting out drifts back towards the prediction.
    board.RecordCompletions({}, 0.5);
    EXPECT_DOUBLE_EQ(board.GetState(0).completionRatio, 1.5 + 0.5 * (1.0 - 1.5));
}

TEST(FedMoeClientScoreboard, ScoresExistFromStartAndFeedTheInput)
{
    FedMoeClientScoreboard board;
    board.Announce(0, "t", Capacity(10));
    board.Announce(1, "t", Capacity(20));
    EXPECT_FALSE(board.IsStarted());
    EXPECT_THROW(board.GetFitness(), std::logic_error);
    board.Start(2, 3, sched::FitnessParameters(), sched::UsageParameters());
    EXPECT_EQ(board.NumClients(), 2u);
    fedmoe::learning::TrainResult u;
    u.client = 1;
    u.experts = {2};
    u.meanLoss = 1.0;
    u.routedSamples = {0, 0, 40};
    u.routingShare = {0.1, 0.1, 0.8};
    board.RecordTraining({u});
    const double reward = 0.5 / 2.0 + 0.5 * 0.8;
    EXPECT_DOUBLE_EQ(board.GetFitness().Score(1, 2), 0.7 * 0.5 + 0.3 * reward);
    sched::ModelCost cost;
    cost.experts.resize(3);
    sched::AlignmentConstraints limits;
    limits.maxExpertsPerClient = 1;
    const sched::AlignmentInput in = board.BuildInput(board.Available(10), cost, limits);
    ASSERT_EQ(in.clients.size(), 2u);
    EXPECT_EQ(in.fitness.size(), 6u);
    EXPECT_DOUBLE_EQ(in.fitness[5], board.GetFitness().Score(1, 2));
    EXPECT_DOUBLE_EQ(in.usage[2], sched::UsageParameters().smoothing * 40);
    EXPECT_EQ(in.constraints.maxExpertsPerClient, 1u);
}

TEST(FedMoeClientScoreboard, ClientRecordsHaveOneRowPerKnownClient)
{
    FedMoeClientScoreboard board;
    board.Announce(1, "laptop", Capacity(150));
    board.SetDistance(1, 12.0);
    board.SetDistance(4, 30.0); // never said HELLO
    FedMoeLinkObservation up;
    up.goodputBps = 5e6;
    up.transferSamples = 1;
    up.snrDb = 21;
    up.snrSamples = 9;
    board.ObserveUplink(1, up);
    board.CountAssigned(1);
    board.CountAssigned(1);
    board.CountDropped(1);
    const auto rows = board.ClientRecords(
        [](uint32_t id) -> uint64_t
        {
            return 100 + id;
        });
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].client, 1u);
    EXPECT_EQ(rows[0].tier, "laptop");
    EXPECT_EQ(rows[0].distanceM, 12.0);
    EXPECT_EQ(rows[0].capacity.computeGflops, 150.0);
    EXPECT_EQ(rows[0].capacity.uplinkBps, 20e6);
    EXPECT_EQ(rows[0].samples, 101u);
    EXPECT_EQ(rows[0].goodputBps, 5e6);
    EXPECT_TRUE(std::isnan(rows[0].rttS));
    EXPECT_EQ(rows[0].snrDb, 21.0);
    EXPECT_EQ(rows[0].roundsAssigned, 2u);
    EXPECT_EQ(rows[0].roundsDropped, 1u);
    EXPECT_EQ(rows[1].client, 4u);
    EXPECT_EQ(rows[1].tier, "");
    EXPECT_EQ(rows[1].distanceM, 30.0);
    EXPECT_EQ(rows[1].samples, 104u);
}

TEST(FedMoeClientScoreboard, AdmitChecksTheAnnouncementTheIdAndLateComers)
{
    FedMoeClientScoreboard board;
    sched::CapacityProfile p = Capacity(10);
    p.cores = 0;          // counts as 1
    p.availability = 0.2; // the client's own business: counts as 1
    EXPECT_TRUE(board.Admit(3, "phone", p, 8).admitted);
    EXPECT_EQ(board.GetState(3).capacity.cores, 1u);
    EXPECT_EQ(board.GetState(3).capacity.availability, 1.0);

    // An id out of range: refused for who sent it (a HELLO of 0xFFFFFFFF must
    // not size the scores), nothing recorded.
    const FedMoeAdmission far = board.Admit(0xFFFFFFFFu, "phone", Capacity(10), 8);
    EXPECT_FALSE(far.admitted);
    EXPECT_FALSE(far.malformed);
    EXPECT_EQ(far.detail, "HELLO from client 4294967295 (ids 0..7 allowed: MaxClients)");
    EXPECT_EQ(board.AnnouncedCount(), 1u);

    // A bad capacity: refused for its content.
    sched::CapacityProfile bad = Capacity(10);
    bad.uplinkBps = -1;
    const FedMoeAdmission malformed = board.Admit(1, "phone", bad, 8);
    EXPECT_FALSE(malformed.admitted);
    EXPECT_TRUE(malformed.malformed);
    EXPECT_NE(malformed.detail.find("HELLO"), std::string::npos) << malformed.detail;

    // After the first round, only the clients that took part may come back.
    board.Start(4, 2, sched::FitnessParameters(), sched::UsageParameters());
    EXPECT_TRUE(board.Admit(3, "phone", Capacity(10), 8).admitted);
    const FedMoeAdmission late = board.Admit(5, "phone", Capacity(10), 8);
    EXPECT_FALSE(late.admitted);
    EXPECT_EQ(late.detail, "HELLO from client 5 after the first round (ids 0..3 take part)");
}
