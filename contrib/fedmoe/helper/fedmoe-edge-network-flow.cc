// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeEdgeNetworkHelper and FedMoeLteHelper at flow level: the same
 * nodes, positions, mobility, path loss and fading as the packet level, and
 * a FedMoeFlowNetwork instead of devices, stacks and addresses.
 */

#include "fedmoe-edge-network-helper.h"
#include "fedmoe-lte-helper.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/fedmoe-channel-estimator.h"
#include "ns3/fedmoe-device-profile.h"
#include "ns3/fedmoe-flow-network.h"
#include "ns3/fedmoe-flow-radio.h"
#include "ns3/log.h"
#include "ns3/lte-spectrum-value-helper.h"
#include "ns3/mobility-helper.h"
#include "ns3/mobility-model.h"
#include "ns3/pointer.h"
#include "ns3/position-allocator.h"
#include "ns3/three-gpp-propagation-loss-model.h"
#include "ns3/uinteger.h"

#include <cmath>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeEdgeNetworkFlow");

namespace
{

/// Addresses for the flow level, where nothing routes: 10.4.0.1 the server, 10.4.x.y client i.
Ipv4Address
FlowAddress(uint32_t host)
{
    return Ipv4Address((10u << 24) | (4u << 16) | (host + 1));
}

/// Whether the clients' mobility moves them.
bool
IsMoving(const FedMoeMobilityHelper& mobility)
{
    return mobility.GetModel() != "ns3::ConstantPositionMobilityModel";
}

} // namespace

Ptr<FedMoeFlowLteAccess>
FedMoeLteHelper::InstallFlow(NodeContainer clients, const ObjectFactory& fading, bool timeVarying)
{
    NodeContainer enbs;
    enbs.Create(m_enbCount);
    auto positions = CreateObject<ListPositionAllocator>();
    for (uint32_t k = 0; k < m_enbCount; ++k)
    {
        positions->Add(Vector(k * m_interSiteDistance, 0.0, m_enbHeight));
    }
    MobilityHelper mobility;
    mobility.SetPositionAllocator(positions);
    mobility.SetMobilityModel("ns3::ConstantPositionMobilityModel");
    mobility.Install(enbs);
    const bool threeGpp
        = m_pathloss.GetTypeId().IsChildOf(ThreeGppPropagationLossModel::GetTypeId());
    if (threeGpp)
    {
        m_conditionModel = m_condition.Create<ChannelConditionModel>();
    }
    // LteHelper's default carriers: EARFCN 100 down, 18100 up.
    const double frequency[2] = {LteSpectrumValueHelper::GetCarrierFrequency(100),
                                 LteSpectrumValueHelper::GetCarrierFrequency(18100)};
    m_flowLosses.clear();
    for (double hz : frequency)
    {
        auto loss = m_pathloss.Create<PropagationLossModel>();
        if (threeGpp)
        {
            loss->SetAttribute("ChannelConditionModel", PointerValue(m_conditionModel));
            loss->SetAttribute("ShadowingEnabled", BooleanValue(m_shadowing));
        }
        loss->SetAttributeFailSafe("Frequency", DoubleValue(hz));
        for (const auto& [name, value] : m_pathlossAttributes)
        {
            loss->SetAttribute(name, *value);
        }
        if (fading.IsTypeIdSet())
        {
            loss->SetNext(fading.Create<PropagationLossModel>());
        }
        m_flowLosses.push_back(loss);
    }
    auto access = CreateObject<FedMoeFlowLteAccess>();
    access->SetCells(enbs, clients, m_flowLosses[0], m_flowLosses[1], m_bandwidth, m_backhaulRate,
                     m_backhaulDelay, timeVarying || threeGpp);
    return access;
}

void
FedMoeEdgeNetworkHelper::SetFidelity(Fidelity fidelity)
{
    if (m_topology != NONE)
    {
        throw std::logic_error("FedMoeEdgeNetworkHelper::SetFidelity: call before Install*");
    }
    m_fidelity = fidelity;
}

FedMoeEdgeNetworkHelper::Fidelity
FedMoeEdgeNetworkHelper::GetFidelity() const
{
    return m_fidelity;
}

Ptr<FedMoeFlowNetwork>
FedMoeEdgeNetworkHelper::GetFlowNetwork() const
{
    return m_flow;
}

void
FedMoeEdgeNetworkHelper::FinishFlowInstall(Ptr<Node> server, NodeContainer clients,
                                           Ptr<FedMoeFlowAccess> access, Topology topology)
{
    m_flow = CreateObject<FedMoeFlowNetwork>();
    m_flow->SetAccess(access);
    m_server = server;
    m_clients = clients;
    for (uint32_t i = 0; i < clients.GetN(); ++i)
    {
        m_serverAddrs.push_back(FlowAddress(0));
        m_clientAddrs.push_back(FlowAddress(i + 1));
    }
    m_topology = topology;
}

void
FedMoeEdgeNetworkHelper::InstallWifiFlow(Ptr<Node> server, NodeContainer clients)
{
    m_distances = m_mobility.DrawDistances(clients.GetN());
    std::vector<Vector> positions;
    for (uint32_t i = 0; i < clients.GetN(); ++i)
    {
        const double angle = 2.0 * M_PI * i / std::max<uint32_t>(1, clients.GetN());
        positions.emplace_back(m_distances[i] * std::cos(angle), m_distances[i] * std::sin(angle),
                               0.0);
    }
    MobilityHelper mobility;
    mobility.SetMobilityModel("ns3::ConstantPositionMobilityModel");
    mobility.Install(server);
    server->GetObject<MobilityModel>()->SetPosition(Vector(0.0, 0.0, 0.0));
    m_mobility.Install(clients, positions, std::vector<Vector>(clients.GetN(), Vector()));
    m_flowLoss = m_lossFactory.Create<PropagationLossModel>();
    if (m_fading.IsTypeIdSet())
    {
        m_flowLoss->SetNext(m_fading.Create<PropagationLossModel>());
    }
    auto access = CreateObject<FedMoeFlowWifiAccess>();
    access->SetAttribute("ChannelWidth", UintegerValue(m_channelWidth));
    access->SetCell(server, clients, m_flowLoss, IsMoving(m_mobility) || m_fading.IsTypeIdSet());
    FinishFlowInstall(server, clients, access, WIFI);
}

void
FedMoeEdgeNetworkHelper::InstallPointToPointFlow(Ptr<Node> server, NodeContainer clients)
{
    auto access = CreateObject<FedMoeFlowP2pAccess>();
    for (uint32_t i = 0; i < clients.GetN(); ++i)
    {
        auto profile = clients.Get(i)->GetObject<FedMoeDeviceProfile>();
        const double factor = m_rateFactors.empty() ? 1.0 : m_rateFactors[i];
        auto real = [factor](DataRate rate)
        {
            return DataRate(std::max<uint64_t>(1, std::llround(rate.GetBitRate() * factor)));
        };
        access->AddLink(real(profile->GetUplinkRate()), real(profile->GetDownlinkRate()),
                        profile->GetLatency(), profile->GetPacketErrorRate());
    }
    FinishFlowInstall(server, clients, access, P2P);
}

void
FedMoeEdgeNetworkHelper::InstallLteFlow(Ptr<Node> server, NodeContainer clients)
{
    const std::vector<double> distances = m_mobility.DrawDistances(clients.GetN());
    std::vector<Vector> positions;
    std::vector<Vector> anchors;
    m_lte.PlaceUes(distances, positions, anchors);
    m_mobility.Install(clients, positions, anchors);
    auto access = m_lte.InstallFlow(clients, m_fading, IsMoving(m_mobility));
    m_distances = distances;
    FinishFlowInstall(server, clients, access, LTE);
}

void
FedMoeEdgeNetworkHelper::ConnectFlowEstimator(Ptr<FedMoeChannelEstimator> estimator) const
{
    // The radio's view at each delivery to the client, as a PHY reports it
    // for every frame it receives.
    Ptr<FedMoeFlowAccess> access = m_flow->GetAccess();
    m_flow->TraceConnectWithoutContext(
        "FlowCompleted",
        Callback<void, uint32_t, uint8_t, uint64_t, double>(
            [estimator, access](uint32_t client, uint8_t direction, uint64_t, double)
            {
                const double snr = access->GetSnrDb(client);
                if (direction == static_cast<uint8_t>(FedMoeFlowDirection::DOWN)
                    && std::isfinite(snr))
                {
                    estimator->RecordSnr(client, snr);
                }
            }));
}

} // namespace ns3
