// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeHelper: the learning core, shards, executor, server and clients of a
 * federated MoE run in one Install call.
 */

#include "fedmoe-helper.h"

#include "ns3/boolean.h"
#include "ns3/data-rate.h"
#include "ns3/double.h"
#include "ns3/fedmoe-compute-model.h"
#include "ns3/fedmoe-device-profile.h"
#include "ns3/fedmoe-flow-network.h"
#include "ns3/fedmoe-flow-transport.h"
#include "ns3/log.h"
#include "ns3/point-to-point-net-device.h"
#include "ns3/pointer.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeHelper");

namespace learning = fedmoe::learning;

namespace
{

/// How uneven the shards are.
struct ShardSkew
{
    double sizeCv{0};  //!< coefficient of variation of the shard sizes
    double labelTv{0}; //!< mean total-variation distance of a shard's label mix from the set's
};

ShardSkew
MeasureSkew(const std::vector<int64_t>& labels, uint32_t classes,
            const std::vector<std::vector<int64_t>>& shards)
{
    ShardSkew skew;
    if (shards.empty() || labels.empty() || classes == 0)
    {
        return skew;
    }
    std::vector<double> whole(classes, 0.0);
    for (int64_t label : labels)
    {
        whole[label] += 1.0 / labels.size();
    }
    double mean = 0;
    for (const auto& shard : shards)
    {
        mean += double(shard.size()) / shards.size();
    }
    double variance = 0;
    for (const auto& shard : shards)
    {
        variance += (shard.size() - mean) * (shard.size() - mean) / shards.size();
        std::vector<double> mix(classes, 0.0);
        for (int64_t i : shard)
        {
            mix[labels[i]] += 1.0 / shard.size();
        }
        double tv = 0;
        for (uint32_t c = 0; c < classes; ++c)
        {
            tv += 0.5 * std::abs(mix[c] - whole[c]);
        }
        skew.labelTv += (shard.empty() ? 0.0 : tv) / shards.size();
    }
    skew.sizeCv = mean > 0 ? std::sqrt(variance) / mean : 0.0;
    return skew;
}

} // namespace

FedMoeHelper::FedMoeHelper()
    : m_clientStart(Seconds(1)),
      m_clientStagger(MilliSeconds(100))
{
    m_serverFactory.SetTypeId("ns3::FedMoeServerApplication");
    m_roundFactory.SetTypeId("ns3::FedMoeRoundOptions");
    m_clientFactory.SetTypeId("ns3::FedMoeClientApplication");
    m_computeFactory.SetTypeId("ns3::FedMoeComputeModel");
    m_executorFactory.SetTypeId("ns3::FedMoeTrainingExecutor");
}

void
FedMoeHelper::SetModelOptions(const learning::ModelOptions& options)
{
    m_modelOptions = options;
    m_modelSet = true;
}

void
FedMoeHelper::SetTrainOptions(const learning::TrainOptions& options)
{
    m_trainOptions = options;
    m_trainSet = true;
}

void
FedMoeHelper::SetAggregationOptions(const learning::AggregationOptions& options)
{
    learning::ValidateAggregationOptions(options);
    auto aggregation = CreateObject<FedMoeAggregation>();
    aggregation->SetOptions(options);
    m_serverFactory.Set("Aggregation", PointerValue(aggregation));
}

void
FedMoeHelper::SetPartitionOptions(const learning::PartitionOptions& options)
{
    m_partitionOptions = options;
    m_partitionSet = true;
}

void
FedMoeHelper::SetPolicy(const std::string& name)
{
    m_serverFactory.Set("Policy", PointerValue(FedMoeAlignmentPolicy::Create(name)));
}

void
FedMoeHelper::SetServerAttribute(const std::string& name, const AttributeValue& value)
{
    m_serverFactory.Set(name, value);
}

void
FedMoeHelper::SetRoundAttribute(const std::string& name, const AttributeValue& value)
{
    m_roundFactory.Set(name, value);
}

void
FedMoeHelper::SetClientAttribute(const std::string& name, const AttributeValue& value)
{
    m_clientFactory.Set(name, value);
}

void
FedMoeHelper::SetComputeModelAttribute(const std::string& name, const AttributeValue& value)
{
    m_computeFactory.Set(name, value);
}

void
FedMoeHelper::SetExecutorAttribute(const std::string& name, const AttributeValue& value)
{
    m_executorFactory.Set(name, value);
}

void
FedMoeHelper::SetClientStartTime(Time start, Time stagger)
{
    m_clientStart = start;
    m_clientStagger = stagger;
    m_staggerSet = true;
}

ApplicationContainer
FedMoeHelper::Install(Ptr<Node> server, NodeContainer clients,
                      const std::vector<Ipv4Address>& serverAddresses)
{
    NS_LOG_FUNCTION(this << server << clients.GetN());
    if (m_server)
    {
        throw std::logic_error("FedMoeHelper::Install: already installed (one run per helper)");
    }
    if (clients.GetN() == 0)
    {
        throw std::invalid_argument("FedMoeHelper::Install: no client nodes (at least 1)");
    }
    if (serverAddresses.size() != clients.GetN())
    {
        throw std::invalid_argument(
            "FedMoeHelper::Install: " + std::to_string(serverAddresses.size())
            + " server addresses for " + std::to_string(clients.GetN()) + " clients");
    }
    // Options not set by a call are the attributes' defaults (Config::SetDefault,
    // --ns3::FedMoeModel::Experts=..., ConfigStore) as they are now.
    if (!m_modelSet)
    {
        m_modelOptions = CreateObject<FedMoeModel>()->GetOptions();
    }
    if (!m_trainSet)
    {
        m_trainOptions = CreateObject<FedMoeTraining>()->GetOptions();
    }
    if (!m_partitionSet)
    {
        m_partitionOptions = CreateObject<FedMoePartition>()->GetOptions();
    }
    // Model and shards first: a bad option or a missing data set stops here.
    auto model = std::make_shared<learning::FederatedMoe>(m_modelOptions, m_trainOptions);
    m_partitionOptions.clients = clients.GetN();
    const std::vector<int64_t> labels = model->TrainLabels();
    m_shards = learning::Partitioner::Partition(labels, model->Classes(), m_partitionOptions);
    // Each client keeps a held-out split of its own shard: it never trains
    // (the executor trains on the rest) and measures the personalised accuracy.
    learning::HoldoutSplit split = learning::Partitioner::SplitHoldout(
        m_shards, m_partitionOptions.holdoutFraction, m_partitionOptions.seed);
    m_shards = std::move(split.train);
    m_holdouts = std::move(split.heldOut);
    const ShardSkew skew = MeasureSkew(labels, model->Classes(), m_shards);
    m_shardSizeCv = skew.sizeCv;
    m_shardLabelTv = skew.labelTv;
    m_model = model;

    m_executor = m_executorFactory.Create<FedMoeTrainingExecutor>();
    m_executor->SetModel(m_model);
    for (uint32_t i = 0; i < clients.GetN(); ++i)
    {
        m_executor->RegisterShard(i, m_shards[i]);
        m_executor->RegisterHoldout(i, m_holdouts[i]);
    }

    ApplicationContainer apps;
    m_server = m_serverFactory.Create<FedMoeServerApplication>();
    PointerValue roundOptions;
    m_server->GetAttribute("RoundOptions", roundOptions);
    if (!roundOptions.Get<FedMoeRoundOptions>())
    {
        m_server->SetAttribute("RoundOptions",
                               PointerValue(m_roundFactory.Create<FedMoeRoundOptions>()));
    }
    m_server->SetAttribute("ExpectedClients", UintegerValue(clients.GetN()));
    // Declared (large-model) sizes: the clients declare their UPDATEs as the
    // server declares its ASSIGNs.
    PointerValue roundsNow;
    m_server->GetAttribute("RoundOptions", roundsNow);
    const FedMoeRoundSettings rounds = roundsNow.Get<FedMoeRoundOptions>()->GetOptions();
    m_expertWireBytes = rounds.expertWireBytes;
    m_gateWireBytes = rounds.gateWireBytes;
    m_timingOnly = rounds.timingOnly;
    m_executor->SetAttribute("TimingOnly", BooleanValue(m_timingOnly));
    m_server->SetExecutor(m_executor);
    UintegerValue port;
    m_server->GetAttribute("Port", port);
    server->AddApplication(m_server);
    m_server->SetStartTime(Seconds(0));
    apps.Add(m_server);
    ConnectSinks();

    // Default: 100 ms apart, but all started within 8 s, before the server's
    // default HelloTimeout (10 s) opens the first round.
    const Time stagger
        = m_staggerSet ? m_clientStagger
                       : std::min(MilliSeconds(100), Seconds(8.0 / std::max(1u, clients.GetN())));
    for (uint32_t i = 0; i < clients.GetN(); ++i)
    {
        Ptr<FedMoeClientApplication> client = m_clientFactory.Create<FedMoeClientApplication>();
        client->SetAttribute("ClientId", UintegerValue(i));
        client->SetAttribute("Remote", AddressValue(serverAddresses[i]));
        client->SetAttribute("Port", port);
        client->SetAttribute("ExpertWireBytes", UintegerValue(m_expertWireBytes));
        client->SetAttribute("GateWireBytes", UintegerValue(m_gateWireBytes));
        client->SetAttribute("ComputeModel",
                             PointerValue(m_computeFactory.Create<FedMoeComputeModel>()));
        client->SetExecutor(m_executor);
        client->SetShard(m_shards[i]);
        clients.Get(i)->AddApplication(client);
        client->SetStartTime(m_clientStart + stagger * i);
        m_clients.push_back(client);
        apps.Add(client);
    }
    return apps;
}

void
FedMoeHelper::ConnectSinks()
{
    // The callbacks own the sinks: they live as long as the server's trace
    // sources hold them, whatever becomes of the helper.
    using Assignment = std::map<uint32_t, std::vector<uint32_t>>;
    using Clients = std::vector<FedMoeClientRecord>;
    StringValue outDir;
    m_server->GetAttribute("OutputDirectory", outDir);
    if (!outDir.Get().empty())
    {
        auto recorder = std::make_shared<FedMoeRecorder>(outDir.Get());
        m_server->TraceConnectWithoutContext(
            "AssignmentDecided", Callback<void, uint32_t, const Assignment&>(
                                     [recorder](uint32_t round, const Assignment& assignment)
                                     {
                                         recorder->AddAssignment(round, assignment);
                                     }));
        m_server->TraceConnectWithoutContext("RoundCompleted",
                                             Callback<void, const FedMoeRoundRecord&>(
                                                 [recorder](const FedMoeRoundRecord& record)
                                                 {
                                                     recorder->AddRound(record);
                                                 }));
        m_server->TraceConnectWithoutContext("ParticipantRecorded",
                                             Callback<void, const FedMoeParticipantRecord&>(
                                                 [recorder](const FedMoeParticipantRecord& record)
                                                 {
                                                     recorder->AddParticipant(record);
                                                 }));
        // The server does not know how the shards were cut; the helper does.
        const learning::PartitionOptions partition = m_partitionOptions;
        const double sizeCv = m_shardSizeCv;
        const double labelTv = m_shardLabelTv;
        const std::string fidelity = m_fidelity;
        const uint64_t expertWire = m_expertWireBytes;
        const uint64_t gateWire = m_gateWireBytes;
        const bool timingOnly = m_timingOnly;
        m_server->TraceConnectWithoutContext(
            "RunEnded",
            Callback<void, const std::string&, const Clients&, const std::string&>(
                [recorder, partition, sizeCv, labelTv, fidelity, expertWire, gateWire, timingOnly](
                    const std::string& summary, const Clients& clients, const std::string& error)
                {
                    nlohmann::json j = nlohmann::json::parse(summary);
                    j["partition"] = partition.scheme;
                    j["classes_per_client"] = partition.classesPerClient;
                    j["partition_alpha"] = partition.alpha;
                    j["shard_size_cv"] = sizeCv;
                    j["shard_label_tv"] = labelTv;
                    j["fidelity"] = fidelity;
                    // 0: the real sizes; else what each expert (gate) was declared to
                    // weigh on the wire (bytes_down/up count declared sizes).
                    j["declared_expert_bytes"] = expertWire;
                    j["declared_gate_bytes"] = gateWire;
                    // Nothing was trained: the accuracies are not results.
                    j["timing_only"] = timingOnly;
                    recorder->RunEnded(j.dump(), clients, error);
                }));
    }
    BooleanValue progress;
    m_server->GetAttribute("Progress", progress);
    if (progress.Get())
    {
        PointerValue options;
        m_server->GetAttribute("RoundOptions", options);
        const uint32_t rounds = options.Get<FedMoeRoundOptions>()->GetOptions().rounds;
        auto printer = std::make_shared<FedMoeProgress>(rounds);
        m_server->TraceConnectWithoutContext("RoundCompleted",
                                             Callback<void, const FedMoeRoundRecord&>(
                                                 [printer](const FedMoeRoundRecord& record)
                                                 {
                                                     printer->RoundCompleted(record);
                                                 }));
    }
}

ApplicationContainer
FedMoeHelper::Install(const FedMoeEdgeNetworkHelper& edge)
{
    if (edge.GetTopology() == FedMoeEdgeNetworkHelper::NONE)
    {
        throw std::invalid_argument(
            "FedMoeHelper::Install: the FedMoeEdgeNetworkHelper has built no topology yet");
    }
    // Checked before anything is installed or written.
    if (m_serverFactory.Create<FedMoeServerApplication>()->IsOracle()
        && (edge.GetTopology() != FedMoeEdgeNetworkHelper::P2P || edge.GetFlowNetwork()))
    {
        throw std::invalid_argument(
            "FedMoeServerApplication::Oracle needs packet-level point-to-point links "
            "(--network=p2p --fidelity=packet): on a radio the rate is the channel's, and no "
            "single true figure exists");
    }
    m_fidelity = edge.GetFlowNetwork() ? "flow" : "packet";
    NodeContainer clients = edge.GetClients();
    std::vector<Ipv4Address> addresses;
    for (uint32_t i = 0; i < clients.GetN(); ++i)
    {
        addresses.push_back(edge.GetServerAddress(i));
    }
    ApplicationContainer apps = Install(edge.GetServer(), clients, addresses);
    if (Ptr<FedMoeFlowNetwork> flow = edge.GetFlowNetwork())
    {
        // Flow level: the same applications, on the flow network's transports.
        UintegerValue maxPayload;
        m_server->GetAttribute("MaxPayload", maxPayload);
        m_server->SetAttribute("Transport",
                               PointerValue(CreateObjectWithAttributes<FedMoeFlowServerTransport>(
                                   "Network", PointerValue(flow), "MaxPayload", maxPayload)));
        for (uint32_t i = 0; i < m_clients.size(); ++i)
        {
            m_clients[i]->SetAttribute(
                "Transport", PointerValue(CreateObjectWithAttributes<FedMoeFlowClientTransport>(
                                 "Network", PointerValue(flow), "ClientIndex", UintegerValue(i))));
        }
    }
    if (m_server->IsOracle())
    {
        SupplyTruth(edge);
    }
    // The radio's own channel reports (Wi-Fi SNR, LTE SINR) reach the server's
    // estimator through the PHYs' trace sources; p2p links have none.
    if (edge.GetTopology() != FedMoeEdgeNetworkHelper::P2P)
    {
        for (uint32_t i = 0; i < clients.GetN(); ++i)
        {
            m_server->SetClientDistance(i, edge.GetDistance(i));
        }
        edge.ConnectChannelEstimator(m_server->GetUplinkEstimator());
    }
    return apps;
}

void
FedMoeHelper::SupplyTruth(const FedMoeEdgeNetworkHelper& edge)
{
    for (uint32_t i = 0; i < m_clients.size(); ++i)
    {
        auto up = DynamicCast<PointToPointNetDevice>(edge.GetClientDevices().Get(i));
        auto down = DynamicCast<PointToPointNetDevice>(edge.GetServerDevices().Get(i));
        auto profile = edge.GetClients().Get(i)->GetObject<FedMoeDeviceProfile>();
        PointerValue compute;
        m_clients[i]->GetAttribute("ComputeModel", compute);
        DataRateValue upRate;
        DataRateValue downRate;
        up->GetAttribute("DataRate", upRate);
        down->GetAttribute("DataRate", downRate);
        TimeValue delay;
        up->GetChannel()->GetAttribute("Delay", delay);
        fedmoe::scheduling::ChannelObservation truth;
        truth.goodputUpBps = static_cast<double>(upRate.Get().GetBitRate());
        truth.goodputDownBps = static_cast<double>(downRate.Get().GetBitRate());
        truth.rttS = 2.0 * delay.Get().GetSeconds();
        // Throughput at the compute model's efficiency; its per-job background
        // occupancy is drawn as the job runs, unknowable in advance.
        const auto model = compute.Get<FedMoeComputeModel>();
        truth.observedComputeGflops
            = profile->GetComputeGflops() * (model ? model->GetEfficiency() : 1.0);
        m_server->SetClientTruth(i, truth);
    }
}

int64_t
FedMoeHelper::AssignStreams(int64_t stream)
{
    if (!m_server)
    {
        throw std::logic_error("FedMoeHelper::AssignStreams: call Install first");
    }
    int64_t used = m_server->AssignStreams(stream);
    for (auto& client : m_clients)
    {
        used += client->AssignStreams(stream + used);
    }
    return used;
}

std::shared_ptr<learning::FederatedMoe>
FedMoeHelper::GetModel() const
{
    return m_model;
}

Ptr<FedMoeTrainingExecutor>
FedMoeHelper::GetExecutor() const
{
    return m_executor;
}

Ptr<FedMoeServerApplication>
FedMoeHelper::GetServer() const
{
    return m_server;
}

Ptr<FedMoeClientApplication>
FedMoeHelper::GetClient(uint32_t i) const
{
    if (i >= m_clients.size())
    {
        throw std::out_of_range("FedMoeHelper::GetClient: client " + std::to_string(i) + " of "
                                + std::to_string(m_clients.size()));
    }
    return m_clients[i];
}

uint32_t
FedMoeHelper::GetNClients() const
{
    return static_cast<uint32_t>(m_clients.size());
}

const std::vector<std::vector<int64_t>>&
FedMoeHelper::GetShards() const
{
    return m_shards;
}

const learning::ModelOptions&
FedMoeHelper::GetModelOptions() const
{
    return m_modelOptions;
}

const learning::TrainOptions&
FedMoeHelper::GetTrainOptions() const
{
    return m_trainOptions;
}

const std::vector<std::vector<int64_t>>&
FedMoeHelper::GetHoldouts() const
{
    return m_holdouts;
}

} // namespace ns3
