// SPDX-License-Identifier: GPL-2.0-only
/*
 * A small federated MoE scenario for the federation tests: synthetic data,
 * a point-to-point star (or a Wi-Fi cell at given distances), identical
 * Raspberry-Pi-class devices, a tiny MoE, a few rounds.
 */

#ifndef FEDMOE_TEST_SCENARIO_H
#define FEDMOE_TEST_SCENARIO_H

#include "ns3/boolean.h"
#include "ns3/config.h"
#include "ns3/double.h"
#include "ns3/fedmoe-device-catalog.h"
#include "ns3/fedmoe-device-profile.h"
#include "ns3/fedmoe-edge-network-helper.h"
#include "ns3/fedmoe-helper.h"
#include "ns3/fedmoe-server-application.h"
#include "ns3/node-container.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <string>
#include <vector>

namespace fedmoe_test
{

/// What a scenario is built from.
struct ScenarioOptions
{
    uint32_t clients = 4;                 //!< devices
    uint32_t experts = 4;                 //!< experts
    uint32_t rounds = 3;                  //!< rounds
    bool wifi = false;                    //!< Wi-Fi cell instead of the p2p star
    bool lte = false;                     //!< LTE cell (EPC) instead of the p2p star
    std::vector<double> distances;        //!< Wi-Fi station distances (one per client)
    double deadlineS = 10.0;              //!< round deadline
    std::string outDir;                   //!< records (empty: none)
    std::string policy = "load-balanced"; //!< alignment policy
    uint32_t hidden = 8;                  //!< expert width
    uint32_t features = 16;               //!< synthetic features
    double computeEfficiency = 1.0;       //!< FedMoeComputeModel Efficiency (small: slow devices)
    std::vector<double> rateFactors;      //!< p2p real / announced link rate per client (empty: 1)
    bool oracle = false;                  //!< the server's Oracle attribute
    bool flow = false;                    //!< flow-level network instead of packets
    uint64_t expertWireBytes = 0;         //!< declared expert size on the wire (0: real)
    bool timingOnly = false;              //!< train, aggregate and evaluate nothing
};

/// The small model every scenario uses.
inline fedmoe::learning::ModelOptions
SmallModel(const ScenarioOptions& o)
{
    fedmoe::learning::ModelOptions m;
    m.dataset = "synthetic";
    m.syntheticTrainSamples = 800;
    m.syntheticTestSamples = 200;
    m.syntheticFeatures = o.features;
    m.syntheticClasses = 4;
    m.experts = o.experts;
    m.topK = 2;
    m.hidden = o.hidden;
    m.seed = 7;
    return m;
}

/// Nodes, network and applications of one run (Run() simulates it).
class Scenario
{
  public:
    explicit Scenario(const ScenarioOptions& o)
        : options(o)
    {
        ns3::RngSeedManager::SetSeed(3);
        ns3::RngSeedManager::SetRun(1);
        ns3::Config::SetDefault("ns3::TcpSocket::SegmentSize", ns3::UintegerValue(1448));
        server.Create(1);
        devices.Create(o.clients);
        for (uint32_t i = 0; i < o.clients; ++i)
        {
            auto profile = ns3::FedMoeDeviceCatalog::CreateProfile("raspberry-pi-4");
            devices.Get(i)->AggregateObject(profile);
        }
        if (o.flow)
        {
            edge.SetFidelity(ns3::FedMoeEdgeNetworkHelper::FLOW);
        }
        if (o.wifi)
        {
            edge.SetDistances(o.distances);
            edge.InstallWifi(server.Get(0), devices);
        }
        else if (o.lte)
        {
            edge.SetDistances(o.distances);
            edge.InstallLte(server.Get(0), devices);
        }
        else
        {
            edge.SetRateFactors(o.rateFactors);
            edge.InstallPointToPoint(server.Get(0), devices);
        }
        edge.AssignStreams(100);
        fedmoe::learning::TrainOptions train;
        train.batchSize = 16;
        fedmoe::learning::PartitionOptions partition;
        partition.scheme = "classes";
        partition.classesPerClient = 2;
        partition.seed = 5;
        fed.SetModelOptions(SmallModel(o));
        fed.SetTrainOptions(train);
        fed.SetPartitionOptions(partition);
        fed.SetPolicy(o.policy);
        fed.SetRoundAttribute("Rounds", ns3::UintegerValue(o.rounds));
        fed.SetServerAttribute("RoundDeadline", ns3::TimeValue(ns3::Seconds(o.deadlineS)));
        fed.SetRoundAttribute("LocalSteps", ns3::UintegerValue(4));
        fed.SetRoundAttribute("MaxExpertsPerClient", ns3::UintegerValue(2));
        fed.SetRoundAttribute("ExpertWireBytes", ns3::UintegerValue(o.expertWireBytes));
        fed.SetRoundAttribute("TimingOnly", ns3::BooleanValue(o.timingOnly));
        fed.SetServerAttribute("Progress", ns3::BooleanValue(false));
        fed.SetServerAttribute("Oracle", ns3::BooleanValue(o.oracle));
        fed.SetServerAttribute("OutputDirectory", ns3::StringValue(o.outDir));
        fed.SetClientAttribute("UseAvailability", ns3::BooleanValue(false));
        fed.SetComputeModelAttribute("Efficiency", ns3::DoubleValue(o.computeEfficiency));
        fed.SetExecutorAttribute("Threads", ns3::UintegerValue(2));
        fed.Install(edge);
        fed.AssignStreams(1000);
    }

    /// Simulates until the server stops (or a safety limit).
    void Run()
    {
        ns3::Simulator::Stop(ns3::Seconds(600));
        ns3::Simulator::Run();
    }

    ~Scenario()
    {
        ns3::Simulator::Destroy();
    }

    ScenarioOptions options;           //!< as built
    ns3::NodeContainer server;         //!< the server node
    ns3::NodeContainer devices;        //!< the clients' nodes
    ns3::FedMoeEdgeNetworkHelper edge; //!< the network
    ns3::FedMoeHelper fed;             //!< the run
};

} // namespace fedmoe_test

#endif // FEDMOE_TEST_SCENARIO_H
