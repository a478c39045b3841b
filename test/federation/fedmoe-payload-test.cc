// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoePayload: HELLO / ASSIGN / UPDATE round trips, and decoding that
 * rejects every malformed input with a reason instead of trusting it.
 */

#include "ns3/fedmoe-payload.h"

#include <boost/endian/conversion.hpp>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

using namespace ns3;

namespace
{

FedMoeUpdate
SampleUpdate()
{
    FedMoeUpdate u;
    u.experts = {1, 4};
    u.gate = {9, 8, 7};
    u.expertParams = {{1, 2, 3, 4}, {}};
    u.samples = 640;
    u.meanLoss = 0.8125;
    u.flops = 3.5e9;
    u.routedSamples = {0, 300, 0, 0, 340};
    u.routingShare = {0.01F, 0.45F, 0.02F, 0.02F, 0.5F};
    return u;
}

FedMoeAssign
SampleAssign()
{
    FedMoeAssign a;
    a.deadlineSeconds = 12.5;
    a.localSteps = 20;
    a.seed = 0x0123456789ABCDEFull;
    a.experts = {0, 3, 7};
    a.gate = FedMoeBytes(100, 0x5A);
    a.expertParams = {FedMoeBytes(10, 1), FedMoeBytes(20, 2), FedMoeBytes(30, 3)};
    return a;
}

} // namespace

TEST(FedMoePayload, HelloRoundTripsAndHasTheDocumentedSize)
{
    FedMoeHello h;
    h.tier = "raspberry-pi-4";
    h.capacity = {13.5, 4, 3800, 50e6, 100e6, 0.002, 0.9};
    const FedMoeBytes bytes = FedMoePayload::Encode(h);
    // 4 + 14 (tier) + 8 + 4 + 8 * 4
    EXPECT_EQ(bytes.size(), 4u + 14 + 8 + 4 + 32);
    FedMoeHello back;
    EXPECT_EQ(FedMoePayload::Decode(bytes, back), "");
    EXPECT_EQ(back.tier, h.tier);
    EXPECT_EQ(back.capacity.computeGflops, 13.5);
    EXPECT_EQ(back.capacity.cores, 4u);
    EXPECT_EQ(back.capacity.memoryMb, 3800);
    EXPECT_EQ(back.capacity.uplinkBps, 50e6);
    EXPECT_EQ(back.capacity.downlinkBps, 100e6);
    EXPECT_EQ(back.capacity.latencyS, 0.002);
    // Availability is not on the wire: the decoded one is the default.
    EXPECT_EQ(back.capacity.availability, 1.0);
}

TEST(FedMoePayload, AssignRoundTrips)
{
    const FedMoeAssign a = SampleAssign();
    FedMoeAssign back;
    EXPECT_EQ(FedMoePayload::Decode(FedMoePayload::Encode(a), back), "");
    EXPECT_EQ(back.deadlineSeconds, a.deadlineSeconds);
    EXPECT_EQ(back.localSteps, a.localSteps);
    EXPECT_EQ(back.seed, a.seed);
    EXPECT_EQ(back.experts, a.experts);
    EXPECT_EQ(back.gate, a.gate);
    EXPECT_EQ(back.expertParams, a.expertParams);
}

TEST(FedMoePayload, UpdateRoundTrips)
{
    const FedMoeUpdate u = SampleUpdate();
    FedMoeUpdate back;
    EXPECT_EQ(FedMoePayload::Decode(FedMoePayload::Encode(u), back), "");
    EXPECT_EQ(back.experts, u.experts);
    EXPECT_EQ(back.gate, u.gate);
    EXPECT_EQ(back.expertParams, u.expertParams);
    EXPECT_EQ(back.samples, u.samples);
    EXPECT_EQ(back.meanLoss, u.meanLoss);
    EXPECT_EQ(back.flops, u.flops);
    EXPECT_EQ(back.routedSamples, u.routedSamples);
    EXPECT_EQ(back.routingShare, u.routingShare);
}

TEST(FedMoePayload, EveryTruncationAndTrailingByteIsRejected)
{
    const FedMoeBytes assign = FedMoePayload::Encode(SampleAssign());
    const FedMoeBytes update = FedMoePayload::Encode(SampleUpdate());
    for (size_t n = 0; n < assign.size(); ++n)
    {
        FedMoeAssign out;
        EXPECT_NE(FedMoePayload::Decode(FedMoeBytes(assign.begin(), assign.begin() + n), out), "")
            << "ASSIGN cut at " << n;
    }
    for (size_t n = 0; n < update.size(); ++n)
    {
        FedMoeUpdate out;
        EXPECT_NE(FedMoePayload::Decode(FedMoeBytes(update.begin(), update.begin() + n), out), "")
            << "UPDATE cut at " << n;
    }
    FedMoeBytes longer = update;
    longer.push_back(0);
    FedMoeUpdate out;
    EXPECT_EQ(FedMoePayload::Decode(longer, out), "1 trailing bytes");
}

TEST(FedMoePayload, HugeCountsAreRejectedBeforeAllocating)
{
    FedMoeBytes bytes = FedMoePayload::Encode(SampleAssign());
    // The expert count sits after deadline (8), steps (4), seed (8), gate (4 + 100).
    const size_t countAt = 8 + 4 + 8 + 4 + 100;
    ASSERT_EQ(boost::endian::load_big_u32(bytes.data() + countAt), 3u);
    boost::endian::store_big_u32(bytes.data() + countAt, 0xFFFFFFFFu);
    FedMoeAssign out;
    const std::string error = FedMoePayload::Decode(bytes, out);
    EXPECT_NE(error.find("experts: count 4294967295 exceeds"), std::string::npos) << error;

    // A blob length pointing past the end.
    bytes = FedMoePayload::Encode(SampleAssign());
    boost::endian::store_big_u32(bytes.data() + 8 + 4 + 8, 0x7FFFFFFFu);
    EXPECT_NE(FedMoePayload::Decode(bytes, out).find("gate: needs 2147483647 bytes"),
              std::string::npos);
}

TEST(FedMoePayload, NonFiniteNumbersAndUnorderedExpertsAreRejected)
{
    FedMoeUpdate u = SampleUpdate();
    u.meanLoss = std::numeric_limits<double>::quiet_NaN();
    FedMoeUpdate out;
    EXPECT_EQ(FedMoePayload::Decode(FedMoePayload::Encode(u), out),
              "meanLoss: must be a finite number >= 0");

    u = SampleUpdate();
    u.routingShare[2] = -0.5F;
    EXPECT_EQ(FedMoePayload::Decode(FedMoePayload::Encode(u), out),
              "routingShare: must be a finite number >= 0");

    u = SampleUpdate();
    u.experts = {4, 1};
    EXPECT_EQ(FedMoePayload::Decode(FedMoePayload::Encode(u), out),
              "expert id: ids must be distinct and ascending, got 1");
}

TEST(FedMoePayload, EncodingRejectsInconsistentStructs)
{
    FedMoeAssign a = SampleAssign();
    a.expertParams.pop_back();
    EXPECT_THROW(FedMoePayload::Encode(a), std::invalid_argument);
    FedMoeUpdate u = SampleUpdate();
    u.routingShare.pop_back();
    EXPECT_THROW(FedMoePayload::Encode(u), std::invalid_argument);
}
