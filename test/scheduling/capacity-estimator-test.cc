// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests of CapacityEstimator: capacity from memory, hand-computed round times
 * from nominal and observed figures, completion-time calibration, errors.
 */

#include "fedmoe/scheduling/capacity-estimator.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <string>

using namespace fedmoe::scheduling;

namespace
{

ModelCost
TwoMbExperts(uint32_t experts)
{
    ModelCost model;
    model.sharedParameterBytes = 1e6;
    model.sharedTrainFlopsPerSample = 1e6;
    model.localEpochs = 2.0;
    model.experts.assign(experts, ExpertCost{2e6, 4e6});
    return model;
}

CapacityProfile
Profile()
{
    CapacityProfile profile;
    profile.computeGflops = 1.0;
    profile.memoryMb = 10.0;
    profile.downlinkBps = 8e6;
    profile.uplinkBps = 4e6;
    profile.latencyS = 0.01;
    return profile;
}

} // namespace

TEST(CapacityEstimator, MaxExpertsIsFreeMemoryOverTheLargestExpert)
{
    const CapacityEstimator estimator;
    EXPECT_EQ(estimator.MaxExperts(Profile(), TwoMbExperts(8)), 4U); // (10 - 1) / 2
    EXPECT_EQ(estimator.MaxExperts(Profile(), TwoMbExperts(3)), 3U); // at most all experts

    ModelCost mixed = TwoMbExperts(8);
    mixed.experts[5].parameterBytes = 3e6; // the largest sets the size
    EXPECT_EQ(estimator.MaxExperts(Profile(), mixed), 3U);

    CapacityParameters training;
    training.memoryPerParameterByte = 2.0; // (10 - 2) / 4
    EXPECT_EQ(CapacityEstimator(training).MaxExperts(Profile(), TwoMbExperts(8)), 2U);

    CapacityProfile tiny = Profile();
    tiny.memoryMb = 0.5; // not even the shared part
    EXPECT_EQ(estimator.MaxExperts(tiny, TwoMbExperts(8)), 0U);
}

TEST(CapacityEstimator, RoundTimeFromTheNominalProfile)
{
    const CapacityEstimator estimator;
    ModelCost oneMb = TwoMbExperts(4);
    oneMb.experts.assign(4, ExpertCost{1e6, 4e6});
    const ClientRates rates = estimator.Rates(Profile(), ChannelObservation(), 100, oneMb);
    // 8/8e6 + 8/4e6 s per byte; 200 samples per round; 1e9 FLOP/s.
    EXPECT_DOUBLE_EQ(rates.secondsPerByte, 3e-6);
    // 2 RTT (2 * 0.01 each) + 1e6 * 3e-6 + 200 * 1e6 / 1e9
    EXPECT_NEAR(rates.fixedS, 0.04 + 3.0 + 0.2, 1e-12);
    // 1e6 * 3e-6 + 200 * 4e6 / 1e9
    EXPECT_NEAR(CapacityEstimator::ExpertTime(rates, oneMb.experts[0]), 3.8, 1e-12);
    EXPECT_NEAR(CapacityEstimator::RoundTime(rates, oneMb, {0, 3}), 3.24 + 7.6, 1e-12);
    EXPECT_NEAR(CapacityEstimator::RoundTime(rates, oneMb, {}), 3.24, 1e-12);
}

TEST(CapacityEstimator, ObservedChannelAndHistoryOverrideTheProfile)
{
    const CapacityEstimator estimator;
    ModelCost model = TwoMbExperts(2);
    model.experts.assign(2, ExpertCost{1e6, 4e6});
    ChannelObservation seen;
    seen.goodputDownBps = 16e6;
    seen.goodputUpBps = 8e6;
    seen.rttS = 0.1;
    seen.observedComputeGflops = 2.0;
    seen.completionRatio = 1.5;
    const ClientRates rates = estimator.Rates(Profile(), seen, 100, model);
    EXPECT_DOUBLE_EQ(rates.secondsPerByte, 1.5e-6);
    // 1.5 * (2 * 0.1 + 1e6 * 1.5e-6 + 200 * 1e6 / 2e9)
    EXPECT_NEAR(rates.fixedS, 1.5 * 1.8, 1e-12);
    // 1.5 * (1.5 + 200 * 4e6 / 2e9)
    EXPECT_NEAR(CapacityEstimator::ExpertTime(rates, model.experts[1]), 1.5 * 1.9, 1e-12);
}

TEST(CapacityEstimator, StaleObservationsCountLessAgainstTheAnnouncedPrior)
{
    CapacityParameters parameters;
    parameters.observationHalfLifeS = 100.0;
    const CapacityEstimator estimator(parameters);
    ModelCost model = TwoMbExperts(1);
    ChannelObservation seen;
    seen.goodputDownBps = 16e6; // announced 8e6
    seen.goodputUpBps = 1e6;    // announced 4e6
    seen.rttS = 0.1;            // announced 2 x 0.01
    seen.observedComputeGflops = 4.0;
    // Fresh: the observation alone.
    ClientRates rates = estimator.Rates(Profile(), seen, 100, model);
    EXPECT_DOUBLE_EQ(rates.secondsPerByte, 8.0 / 16e6 + 8.0 / 1e6);
    EXPECT_DOUBLE_EQ(rates.secondsPerFlop, 0.25e-9);
    // One half-life old: half and half, in time per bit and per FLOP.
    seen.linkAgeS = 100.0;
    seen.computeAgeS = 200.0;
    rates = estimator.Rates(Profile(), seen, 100, model);
    EXPECT_DOUBLE_EQ(rates.secondsPerByte,
                     8.0 * (0.5 / 16e6 + 0.5 / 8e6) + 8.0 * (0.5 / 1e6 + 0.5 / 4e6));
    // Compute two half-lives old: a quarter observed.
    EXPECT_NEAR(rates.secondsPerFlop, (0.25 / 4.0 + 0.75 / 1.0) * 1e-9, 1e-24);
    EXPECT_DOUBLE_EQ(estimator.ObservationWeight(100.0), 0.5);
    // Without a half-life observations never age.
    EXPECT_DOUBLE_EQ(CapacityEstimator().ObservationWeight(1e9), 1.0);
    parameters.observationHalfLifeS = 0.0;
    EXPECT_THROW(CapacityEstimator{parameters}, std::invalid_argument);
    seen.linkAgeS = -1.0;
    EXPECT_THROW(CapacityEstimator::ValidateObservation(seen, "client 1"), std::invalid_argument);
}

TEST(CapacityEstimator, CompletionRatioLearnsFromObservedTimes)
{
    // Predicted 10 s with no history, took 12 s: 0.5 * 1 + 0.5 * 1.2
    const double first = CapacityEstimator::UpdateCompletionRatio(1.0, 12.0, 10.0, 0.5);
    EXPECT_NEAR(first, 1.1, 1e-12);
    // Next prediction includes the ratio (11 s); 12 s again: 0.5 * 1.1 + 0.5 * 1.1 * 12 / 11
    EXPECT_NEAR(CapacityEstimator::UpdateCompletionRatio(first, 12.0, 11.0, 0.5), 1.15, 1e-12);
    EXPECT_THROW(CapacityEstimator::UpdateCompletionRatio(1.0, 0.0, 10.0, 0.5),
                 std::invalid_argument);
    EXPECT_THROW(CapacityEstimator::UpdateCompletionRatio(1.0, 1.0, 10.0, 0.0),
                 std::invalid_argument);
}

TEST(CapacityEstimator, BadProfilesAreClearErrors)
{
    CapacityProfile profile = Profile();
    profile.computeGflops = 0.0;
    try
    {
        CapacityEstimator::ValidateProfile(profile, "client 7");
        ADD_FAILURE() << "no exception";
    }
    catch (const std::invalid_argument& error)
    {
        const std::string text = error.what();
        EXPECT_NE(text.find("client 7"), std::string::npos) << text;
        EXPECT_NE(text.find("computeGflops = 0 is invalid; must be a finite number > 0"),
                  std::string::npos)
            << text;
    }
    profile = Profile();
    profile.availability = 1.5;
    EXPECT_THROW(CapacityEstimator::ValidateProfile(profile, "c"), std::invalid_argument);
    profile = Profile();
    profile.latencyS = NAN;
    EXPECT_THROW(CapacityEstimator::ValidateProfile(profile, "c"), std::invalid_argument);
    ChannelObservation seen;
    seen.goodputUpBps = -1.0;
    EXPECT_THROW(CapacityEstimator::ValidateObservation(seen, "c"), std::invalid_argument);
    EXPECT_THROW(CapacityEstimator::ValidateModel(ModelCost()), std::invalid_argument);
    CapacityParameters parameters;
    parameters.memoryPerParameterByte = 0.0;
    EXPECT_THROW(CapacityEstimator{parameters}, std::invalid_argument);
}
