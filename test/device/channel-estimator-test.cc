// SPDX-License-Identifier: GPL-2.0-only
/*
 * GoogleTest: FedMoeChannelEstimator EWMA checked by hand.
 */

#include "ns3/double.h"
#include "ns3/fedmoe-channel-estimator.h"

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>

using namespace ns3;

TEST(FedMoeChannelEstimator, FirstSampleSetsThenEwma)
{
    auto est = CreateObject<FedMoeChannelEstimator>();
    est->SetAttribute("Smoothing", DoubleValue(0.25));
    // 1 MB in 1 s = 8e6 bit/s.
    est->RecordTransfer(7, 1000000, Seconds(1));
    EXPECT_DOUBLE_EQ(est->GetEstimate(7).goodputBps, 8e6);
    // Sample 4e6: 0.25 x 4e6 + 0.75 x 8e6 = 7e6.
    est->RecordTransfer(7, 500000, Seconds(1));
    EXPECT_DOUBLE_EQ(est->GetEstimate(7).goodputBps, 7e6);
    EXPECT_EQ(est->GetEstimate(7).transferSamples, 2u);
}

TEST(FedMoeChannelEstimator, RttAndSnrPerPeer)
{
    auto est = CreateObject<FedMoeChannelEstimator>();
    est->SetSmoothing(0.5);
    est->RecordRtt(1, MilliSeconds(10));
    est->RecordRtt(1, MilliSeconds(30)); // 0.5 x 30 + 0.5 x 10 = 20 ms
    est->RecordSnr(2, 30.0);
    est->RecordSnr(2, 20.0);                                    // 25 dB
    est->RecordSnr(2, std::numeric_limits<double>::infinity()); // ignored
    EXPECT_EQ(est->GetEstimate(1).rtt, MilliSeconds(20));
    EXPECT_EQ(est->GetEstimate(1).rttSamples, 2u);
    EXPECT_EQ(est->GetEstimate(1).snrSamples, 0u);
    EXPECT_DOUBLE_EQ(est->GetEstimate(2).snrDb, 25.0);
    EXPECT_EQ(est->GetEstimate(2).snrSamples, 2u);
    EXPECT_FALSE(est->HasPeer(3));
    EXPECT_EQ(est->GetEstimate(3).transferSamples, 0u);
}

TEST(FedMoeChannelEstimator, ConvergesToAConstantSample)
{
    auto est = CreateObject<FedMoeChannelEstimator>();
    est->RecordTransfer(0, 1000, Seconds(1)); // 8000 bit/s
    for (int i = 0; i < 40; ++i)
    {
        est->RecordTransfer(0, 2000, Seconds(1)); // 16000 bit/s
    }
    // Error shrinks by (1 - 0.3) per sample: 8000 x 0.7^40 < 0.01.
    EXPECT_NEAR(est->GetEstimate(0).goodputBps, 16000.0, 0.01);
}

TEST(FedMoeChannelEstimator, RejectsBadSamplesAndSmoothing)
{
    auto est = CreateObject<FedMoeChannelEstimator>();
    EXPECT_THROW(est->SetSmoothing(0.0), std::invalid_argument);
    EXPECT_THROW(est->SetAttribute("Smoothing", DoubleValue(1.5)), std::invalid_argument);
    EXPECT_THROW(est->RecordTransfer(0, 0, Seconds(1)), std::invalid_argument);
    EXPECT_THROW(est->RecordTransfer(0, 10, Seconds(0)), std::invalid_argument);
    EXPECT_THROW(est->RecordRtt(0, Seconds(-1)), std::invalid_argument);
    EXPECT_FALSE(est->HasPeer(0));
}
