// SPDX-License-Identifier: GPL-2.0-only
/*
 * GoogleTest: FedMoeEdgeNetworkHelper, FedMoeLteHelper and FedMoeMobilityHelper reject
 * bad settings with a message naming the value and what is allowed, and
 * leave the setting unchanged.
 */

#include "ns3/fedmoe-device-profile.h"
#include "ns3/fedmoe-edge-network-helper.h"
#include "ns3/node-container.h"
#include "ns3/simulator.h"
#include "ns3/string.h"

#include <gtest/gtest.h>

#include <functional>
#include <limits>
#include <stdexcept>
#include <string>

using namespace ns3;

namespace
{

/// The message of the std::invalid_argument that f throws ("" if none).
std::string
Rejection(const std::function<void()>& f)
{
    try
    {
        f();
    }
    catch (const std::invalid_argument& e)
    {
        return e.what();
    }
    return "";
}

/// Whether text contains every one of the parts.
::testing::AssertionResult
Mentions(const std::string& text, std::initializer_list<const char*> parts)
{
    for (const char* part : parts)
    {
        if (text.find(part) == std::string::npos)
        {
            return ::testing::AssertionFailure() << "\"" << text << "\" lacks \"" << part << "\"";
        }
    }
    return ::testing::AssertionSuccess();
}

const double notANumber = std::numeric_limits<double>::quiet_NaN();

} // namespace

TEST(FedMoeMobilityHelper, RejectsNegativeOrNonFiniteSpeed)
{
    FedMoeMobilityHelper m;
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 m.SetSpeed(-1.5);
                             }),
                         {"SetSpeed", "-1.5", ">= 0"}));
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 m.SetSpeed(notANumber);
                             }),
                         {"SetSpeed", "finite"}));
    EXPECT_EQ(Rejection(
                  [&]
                  {
                      m.SetSpeed(0.0);
                  }),
              "");
}

TEST(FedMoeMobilityHelper, RejectsUnknownAndUnsupportedModels)
{
    FedMoeMobilityHelper m;
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 m.SetModel("ns3::NoSuchMobilityModel");
                             }),
                         {"unknown", "ns3::NoSuchMobilityModel", "allowed",
                          "ns3::RandomWalk2dMobilityModel", "ns3::GaussMarkovMobilityModel"}));
    // A real ns-3 model, but not one the helper knows how to configure.
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 m.SetModel("ns3::SteadyStateRandomWaypointMobilityModel");
                             }),
                         {"unsupported", "SteadyStateRandomWaypoint", "allowed"}));
    EXPECT_EQ(m.GetModel(), "ns3::ConstantPositionMobilityModel");
    m.SetModel("ns3::GaussMarkovMobilityModel");
    EXPECT_EQ(m.GetModel(), "ns3::GaussMarkovMobilityModel");
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 m.SetAttribute("NoSuchKnob", StringValue("1"));
                             }),
                         {"GaussMarkov", "NoSuchKnob"}));
}

TEST(FedMoeMobilityHelper, RejectsEmptyBounds)
{
    FedMoeMobilityHelper m;
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 m.SetBounds(10, 10, 0, 5);
                             }),
                         {"SetBounds", "x [10, 10]", "min < max"}));
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 m.SetBounds(0, 5, 3, -3);
                             }),
                         {"y [3, -3]"}));
}

TEST(FedMoeMobilityHelper, RejectsAStartOutsideTheBounds)
{
    NodeContainer server;
    server.Create(1);
    NodeContainer clients;
    clients.Create(1);
    FedMoeEdgeNetworkHelper edge;
    edge.SetDistances({50.0});
    edge.Mobility().SetModel("ns3::RandomWalk2dMobilityModel");
    edge.Mobility().SetBounds(-20, 20, -20, 20);
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 edge.InstallWifi(server.Get(0), clients);
                             }),
                         {"client 0", "(50, 0)", "outside the bounds"}));
    Simulator::Destroy();
}

TEST(FedMoeEdgeNetworkHelper, RejectsRateFactorsOfZeroOrBelow)
{
    FedMoeEdgeNetworkHelper edge;
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 edge.SetRateFactors({1.0, 0.0});
                             }),
                         {"SetRateFactors", "factor 0", "client 1", "> 0"}));
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 edge.SetRateFactors({-0.5});
                             }),
                         {"factor -0.5", "client 0"}));
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 edge.SetRateFactors({notANumber});
                             }),
                         {"finite"}));
}

TEST(FedMoeEdgeNetworkHelper, RejectsRateFactorsForTheWrongNumberOfClients)
{
    NodeContainer server;
    server.Create(1);
    NodeContainer clients;
    clients.Create(2);
    for (uint32_t i = 0; i < 2; ++i)
    {
        clients.Get(i)->AggregateObject(CreateObject<FedMoeDeviceProfile>());
    }
    FedMoeEdgeNetworkHelper edge;
    edge.SetRateFactors({0.5});
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 edge.InstallPointToPoint(server.Get(0), clients);
                             }),
                         {"1 rate factors", "2 clients"}));
    Simulator::Destroy();
}

TEST(FedMoeEdgeNetworkHelper, RejectsAFadingModelThatIsNoLossModel)
{
    FedMoeEdgeNetworkHelper edge;
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 edge.SetFading("ns3::Nakagami");
                             }),
                         {"SetFading", "ns3::Nakagami", "PropagationLossModel"}));
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 edge.SetFading("ns3::ConstantPositionMobilityModel");
                             }),
                         {"ConstantPositionMobilityModel", "PropagationLossModel"}));
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 edge.SetFadingAttribute("m0", StringValue("1"));
                             }),
                         {"SetFading first"}));
    edge.SetFading("ns3::NakagamiPropagationLossModel");
    EXPECT_EQ(Rejection(
                  [&]
                  {
                      edge.SetFadingAttribute("m0", StringValue("1"));
                  }),
              "");
}

TEST(FedMoeLteHelper, RejectsUnknownModelsAndSchedulers)
{
    FedMoeLteHelper lte;
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 lte.SetScheduler("ns3::FairScheduler");
                             }),
                         {"SetScheduler", "ns3::FairScheduler", "FfMacScheduler"}));
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 lte.SetPathloss("ns3::PfFfMacScheduler");
                             }),
                         {"SetPathloss", "ns3::PfFfMacScheduler", "PropagationLossModel"}));
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 lte.SetChannelCondition("ns3::Los");
                             }),
                         {"SetChannelCondition", "ns3::Los", "ChannelConditionModel"}));
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 lte.SetPathlossAttribute("Exponent", StringValue("3"));
                             }),
                         {"ThreeGppUma", "Exponent"}));
    lte.SetPathloss("ns3::LogDistancePropagationLossModel");
    EXPECT_EQ(Rejection(
                  [&]
                  {
                      lte.SetPathlossAttribute("Exponent", StringValue("3"));
                  }),
              "");
    lte.SetChannelCondition("ns3::AlwaysLosChannelConditionModel");
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 lte.SetConditionUpdatePeriod(Seconds(1));
                             }),
                         {"AlwaysLos", "UpdatePeriod"}));
    lte.SetChannelCondition("ns3::ThreeGppUmiStreetCanyonChannelConditionModel");
    EXPECT_EQ(Rejection(
                  [&]
                  {
                      lte.SetConditionUpdatePeriod(Seconds(1));
                  }),
              "");
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 lte.SetConditionUpdatePeriod(Seconds(-1));
                             }),
                         {"-1", ">= 0"}));
}

TEST(FedMoeLteHelper, RejectsBadCellSettings)
{
    FedMoeLteHelper lte;
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 lte.SetBandwidth(30);
                             }),
                         {"SetBandwidth", "30", "6, 15, 25, 50, 75, 100"}));
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 lte.SetEnbs(0, 500);
                             }),
                         {"SetEnbs", "0 eNBs", ">= 1"}));
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 lte.SetEnbs(2, -1);
                             }),
                         {"-1 m apart", "> 0"}));
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 lte.SetEnbHeight(0);
                             }),
                         {"SetEnbHeight", "> 0"}));
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 lte.SetBackhaul(DataRate(0), MilliSeconds(1));
                             }),
                         {"SetBackhaul", "rate > 0"}));
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 lte.SetBackhaul(DataRate("1Gbps"), Seconds(-1));
                             }),
                         {"delay >= 0"}));
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 lte.SetSinrReportPeriod(MicroSeconds(500));
                             }),
                         {"SetSinrReportPeriod", "whole number of ms"}));
    EXPECT_TRUE(Mentions(Rejection(
                             [&]
                             {
                                 lte.SetRlcBuffer(0);
                             }),
                         {"SetRlcBuffer", "> 0"}));
}
