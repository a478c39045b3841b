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
    sched::ChannelObservation o = board.ObservationOf(2, 0.0);
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
    o = board.ObservationOf(2, 0.0);
    EXPECT_EQ(o.goodputUpBps, 12e6);
    EXPECT_EQ(o.goodputDownBps, 40e6);
    EXPECT_EQ(o.rttS, 0.0);
    up.rttSamples = 3;
    board.ObserveUplink(2, up);
    EXPECT_EQ(board.ObservationOf(2, 0.0).rttS, 0.03);

    board.SetConnected(5, false);
    const std::vector<sched::ClientInfo> available = board.Available(64, 0.0);
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
    board.RecordCompletions(1, round, 0.5);
    EXPECT_DOUBLE_EQ(board.GetState(0).completionRatio, 0.5 * 1.0 + 0.5 * 2.0);
    EXPECT_DOUBLE_EQ(board.GetState(1).completionRatio, 1.0);
    EXPECT_DOUBLE_EQ(board.GetState(2).completionRatio, 1.0);
    // Sitting out drifts back towards the prediction.
    board.RecordCompletions(2, {}, 0.5);
    EXPECT_DOUBLE_EQ(board.GetState(0).completionRatio, 1.5 + 0.5 * (1.0 - 1.5));
}

TEST(FedMoeClientScoreboard, AMissRaisesTheRatioAtTheNextRoundUnlessTheUpdateTurnsUpLate)
{
    FedMoeClientScoreboard board;
    board.Announce(0, "t", Capacity(10));
    board.Announce(1, "t", Capacity(10));
    // Predicted 10 s, deadline 40 s, nothing came from either: no verdict yet.
    const FedMoeCompletion missed{false, 10.0, 0.0, 40.0};
    board.RecordCompletions(3, {{0, missed}, {1, missed}}, 0.5);
    EXPECT_DOUBLE_EQ(board.GetState(0).completionRatio, 1.0);
    EXPECT_DOUBLE_EQ(board.GetState(1).completionRatio, 1.0);
    // Client 0's UPDATE of round 3 turns up in round 4 (its transfer is what
    // tells); client 1's never does (one of round 2, seen in round 3, changes
    // nothing about round 3's miss).
    board.LateArrival(0, 3, 4);
    board.LateArrival(1, 2, 3);
    // Round 4 took both twice the prediction; client 0's uplink also carried
    // its late UPDATE then, so its time says nothing of its speed.
    const FedMoeCompletion slow{true, 10.0, 20.0, 40.0};
    board.RecordCompletions(4, {{0, slow}, {1, slow}}, 0.5);
    EXPECT_DOUBLE_EQ(board.GetState(0).completionRatio, 1.0);
    // Client 1: as if round 3 took twice the prediction, then round 4 did.
    const double afterMiss = 0.5 + 0.5 * 2.0;
    EXPECT_DOUBLE_EQ(board.GetState(1).completionRatio, 0.5 * afterMiss + 0.5 * afterMiss * 2.0);
    // Near the deadline, the deadline bounds it: 0.5 + 0.5 * 40 / 30.
    board.RecordCompletions(5, {{0, {false, 30.0, 0.0, 40.0}}}, 0.5);
    board.RecordCompletions(6, {{0, {false, 50.0, 0.0, 40.0}}}, 0.5);
    EXPECT_DOUBLE_EQ(board.GetState(0).completionRatio, 0.5 + 0.5 * 40.0 / 30.0);
    // A prediction already past the deadline says nothing new.
    board.RecordCompletions(7, {}, 1.0);
    EXPECT_DOUBLE_EQ(board.GetState(0).completionRatio, 1.0); // sat out: back to 1
}

TEST(FedMoeClientScoreboard, ObservationsCarryTheirAgeAndComputeSpeed)
{
    FedMoeClientScoreboard board;
    board.Announce(0, "t", Capacity(10));
    FedMoeLinkObservation up;
    up.goodputBps = 1e6;
    up.transferSamples = 1;
    up.observedAtS = 100.0;
    board.ObserveUplink(0, up);
    // An RTT sample later refreshes the estimate but not the goodput's age.
    up.rttS = 0.02;
    up.rttSamples = 1;
    up.observedAtS = 130.0;
    board.ObserveUplink(0, up);
    sched::ChannelObservation o = board.ObservationOf(0, 160.0);
    EXPECT_DOUBLE_EQ(o.linkAgeS, 60.0);
    EXPECT_DOUBLE_EQ(o.rttS, 0.02);
    EXPECT_EQ(o.observedComputeGflops, 0.0);
    // Compute samples are smoothed in time per FLOP: 1 / (0.5 / 4 + 0.5 / 2).
    board.ObserveCompute(0, 4.0, 150.0, 0.5);
    board.ObserveCompute(0, 2.0, 155.0, 0.5);
    board.ObserveCompute(0, -1.0, 156.0, 0.5); // ignored
    o = board.ObservationOf(0, 160.0);
    EXPECT_NEAR(o.observedComputeGflops, 1.0 / (0.5 / 4.0 + 0.5 / 2.0), 1e-12);
    EXPECT_DOUBLE_EQ(o.computeAgeS, 5.0);
}

TEST(FedMoeClientScoreboard, AnSnrDropSinceTheLastTransferPredictsASlowerLink)
{
    FedMoeClientScoreboard board;
    board.Announce(0, "t", Capacity(10));
    FedMoeLinkObservation up;
    up.goodputBps = 8e6;
    up.transferSamples = 1;
    up.snrDb = 30.0;
    up.snrSamples = 5;
    up.observedAtS = 10.0;
    board.ObserveUplink(0, up);
    EXPECT_DOUBLE_EQ(board.ObservationOf(0, 10.0).goodputUpBps, 8e6);
    // The device walked away: 10 dB now, no transfer since.
    up.snrDb = 10.0;
    up.snrSamples = 9;
    up.observedAtS = 20.0;
    board.ObserveUplink(0, up);
    const double scale = std::log2(1.0 + 10.0) / std::log2(1.0 + 1000.0);
    EXPECT_NEAR(board.ObservationOf(0, 20.0).goodputUpBps, 8e6 * scale, 1e-6);
    EXPECT_DOUBLE_EQ(FedMoeClientScoreboard::SnrRateScale(30.0, 30.0), 1.0);
    EXPECT_DOUBLE_EQ(FedMoeClientScoreboard::SnrRateScale(-40.0, 40.0), 4.0);
    EXPECT_DOUBLE_EQ(FedMoeClientScoreboard::SnrRateScale(40.0, -40.0), 1.0 / 16.0);
    EXPECT_DOUBLE_EQ(FedMoeClientScoreboard::SnrRateScale(std::nan(""), 3.0), 1.0);
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
    const sched::AlignmentInput in = board.BuildInput(board.Available(10, 0.0), cost, limits);
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
