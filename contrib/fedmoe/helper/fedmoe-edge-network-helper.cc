// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeEdgeNetworkHelper: Wi-Fi cell, LTE cells and point-to-point star for the edge.
 */

#include "fedmoe-edge-network-helper.h"

#include "ns3/animation-interface.h"
#include "ns3/double.h"
#include "ns3/enum.h"
#include "ns3/fedmoe-channel-estimator.h"
#include "ns3/fedmoe-device-profile.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/mobility-helper.h"
#include "ns3/mobility-model.h"
#include "ns3/neighbor-cache-helper.h"
#include "ns3/pointer.h"
#include "ns3/position-allocator.h"
#include "ns3/propagation-delay-model.h"
#include "ns3/propagation-loss-model.h"
#include "ns3/simulator.h"
#include "ns3/ssid.h"
#include "ns3/string.h"
#include "ns3/trace-helper.h"
#include "ns3/uinteger.h"
#include "ns3/wifi-helper.h"
#include "ns3/wifi-mac-helper.h"
#include "ns3/wifi-mac.h"
#include "ns3/wifi-net-device.h"
#include "ns3/yans-wifi-channel.h"

#include <cmath>
#include <memory>
#include <sstream>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeEdgeNetworkHelper");

namespace
{

void
PopulateArp(NetDeviceContainer devices)
{
    NeighborCacheHelper().PopulateNeighborCache(devices);
}

/// After the flush that the association's link-up causes, not before it.
void
OnAssociated(std::shared_ptr<const NetDeviceContainer> devices, Mac48Address /* bssid */)
{
    Simulator::ScheduleNow(&PopulateArp, *devices);
}

} // namespace

FedMoeEdgeNetworkHelper::FedMoeEdgeNetworkHelper()
    : m_topology(NONE),
      m_stationManager("ns3::MinstrelHtWifiManager"),
      m_channelWidth(20),
      m_rtsCts(false),
      m_populateArp(true)
{
    m_lossFactory.SetTypeId("ns3::LogDistancePropagationLossModel");
    m_lossFactory.Set("Exponent", DoubleValue(3.0));
    // Radiotap keeps the PHY's view (rate, signal, noise) in the pcap files.
    m_phy.SetPcapDataLinkType(WifiPhyHelper::DLT_IEEE802_11_RADIO);
}

void
FedMoeEdgeNetworkHelper::SetDistances(std::vector<double> metres)
{
    m_mobility.SetDistances(metres);
}

void
FedMoeEdgeNetworkHelper::SetDistanceRange(double min, double max, int64_t stream)
{
    m_mobility.SetDistanceRange(min, max, stream);
}

void
FedMoeEdgeNetworkHelper::SetPropagationLoss(std::string type)
{
    TypeId tid;
    if (!TypeId::LookupByNameFailSafe(type, &tid)
        || !tid.IsChildOf(PropagationLossModel::GetTypeId()))
    {
        throw std::invalid_argument("FedMoeEdgeNetworkHelper::SetPropagationLoss: \"" + type
                                    + "\" is not a PropagationLossModel TypeId");
    }
    m_lossFactory = ObjectFactory();
    m_lossFactory.SetTypeId(tid);
}

void
FedMoeEdgeNetworkHelper::SetPropagationLossAttribute(std::string name, const AttributeValue& value)
{
    m_lossFactory.Set(name, value);
}

void
FedMoeEdgeNetworkHelper::SetRemoteStationManager(std::string type)
{
    TypeId tid;
    if (!TypeId::LookupByNameFailSafe(type, &tid))
    {
        throw std::invalid_argument(
            "FedMoeEdgeNetworkHelper::SetRemoteStationManager: unknown TypeId \"" + type + "\"");
    }
    m_stationManager = type;
}

void
FedMoeEdgeNetworkHelper::SetChannelWidth(uint16_t mhz)
{
    if (mhz != 20 && mhz != 40 && mhz != 80 && mhz != 160)
    {
        throw std::invalid_argument("FedMoeEdgeNetworkHelper::SetChannelWidth: invalid width "
                                    + std::to_string(mhz) + " MHz (allowed: 20, 40, 80, 160)");
    }
    m_channelWidth = mhz;
}

void
FedMoeEdgeNetworkHelper::SetRtsCts(bool enable)
{
    m_rtsCts = enable;
}

void
FedMoeEdgeNetworkHelper::SetPopulateArpCache(bool populate)
{
    m_populateArp = populate;
}

void
FedMoeEdgeNetworkHelper::SetFading(std::string type)
{
    if (type.empty())
    {
        m_fading = ObjectFactory();
        return;
    }
    TypeId tid;
    if (!TypeId::LookupByNameFailSafe(type, &tid)
        || !tid.IsChildOf(PropagationLossModel::GetTypeId()))
    {
        throw std::invalid_argument("FedMoeEdgeNetworkHelper::SetFading: \"" + type
                                    + "\" is not a PropagationLossModel TypeId (allowed: e.g. "
                                      "ns3::NakagamiPropagationLossModel, or \"\" for none)");
    }
    m_fading = ObjectFactory();
    m_fading.SetTypeId(tid);
}

void
FedMoeEdgeNetworkHelper::SetFadingAttribute(std::string name, const AttributeValue& value)
{
    TypeId::AttributeInformation info;
    if (!m_fading.IsTypeIdSet() || !m_fading.GetTypeId().LookupAttributeByName(name, &info))
    {
        throw std::invalid_argument(
            "FedMoeEdgeNetworkHelper::SetFadingAttribute: no fading model with "
            "an attribute \""
            + name + "\" (call SetFading first)");
    }
    m_fading.Set(name, value);
}

void
FedMoeEdgeNetworkHelper::SetRateFactors(std::vector<double> factors)
{
    for (uint32_t i = 0; i < factors.size(); ++i)
    {
        if (!(factors[i] > 0.0) || !std::isfinite(factors[i]))
        {
            std::ostringstream os;
            os << "FedMoeEdgeNetworkHelper::SetRateFactors: invalid factor " << factors[i]
               << " for client " << i << " (allowed: finite, > 0)";
            throw std::invalid_argument(os.str());
        }
    }
    m_rateFactors = factors;
}

FedMoeLteHelper&
FedMoeEdgeNetworkHelper::Lte()
{
    return m_lte;
}

FedMoeMobilityHelper&
FedMoeEdgeNetworkHelper::Mobility()
{
    return m_mobility;
}

void
FedMoeEdgeNetworkHelper::RequireFresh() const
{
    if (m_topology != NONE)
    {
        throw std::logic_error(
            "FedMoeEdgeNetworkHelper: a topology was already installed; use a new "
            "helper for another one");
    }
}

void
FedMoeEdgeNetworkHelper::RequireClient(uint32_t i) const
{
    if (i >= m_clients.GetN())
    {
        throw std::out_of_range("FedMoeEdgeNetworkHelper: client index " + std::to_string(i)
                                + " out of range (clients: " + std::to_string(m_clients.GetN())
                                + ")");
    }
}

void
FedMoeEdgeNetworkHelper::InstallInternetIfMissing(NodeContainer nodes)
{
    InternetStackHelper internet;
    for (auto it = nodes.Begin(); it != nodes.End(); ++it)
    {
        if (!(*it)->GetObject<Ipv4>())
        {
            internet.Install(*it);
        }
    }
}

void
FedMoeEdgeNetworkHelper::InstallWifi(Ptr<Node> server, NodeContainer clients)
{
    NS_LOG_FUNCTION(this << server << clients.GetN());
    RequireFresh();
    if (m_fidelity == FLOW)
    {
        InstallWifiFlow(server, clients);
        return;
    }
    m_distances = m_mobility.DrawDistances(clients.GetN());

    m_wifiChannel = CreateObject<YansWifiChannel>();
    auto loss = m_lossFactory.Create<PropagationLossModel>();
    if (m_fading.IsTypeIdSet())
    {
        loss->SetNext(m_fading.Create<PropagationLossModel>());
    }
    m_wifiChannel->SetPropagationLossModel(loss);
    m_wifiChannel->SetPropagationDelayModel(CreateObject<ConstantSpeedPropagationDelayModel>());
    m_phy.SetChannel(m_wifiChannel);
    m_phy.Set("ChannelSettings",
              StringValue("{0, " + std::to_string(m_channelWidth) + ", BAND_5GHZ, 0}"));

    WifiHelper wifi;
    wifi.SetStandard(WIFI_STANDARD_80211ax);
    wifi.SetRemoteStationManager(m_stationManager, "RtsCtsThreshold",
                                 UintegerValue(m_rtsCts ? 0 : 65535));
    WifiMacHelper mac;
    const Ssid ssid("fedmoe-edge");
    mac.SetType("ns3::StaWifiMac", "Ssid", SsidValue(ssid));
    m_clientDevices = wifi.Install(m_phy, mac, clients);
    mac.SetType("ns3::ApWifiMac", "Ssid", SsidValue(ssid));
    m_serverDevices = wifi.Install(m_phy, mac, server);

    // Stations on a circle of angles around the AP, so no two share a spot.
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

    InstallInternetIfMissing(NodeContainer(NodeContainer(server), clients));
    Ipv4AddressHelper address("10.1.0.0", "255.255.0.0");
    auto serverIf = address.Assign(m_serverDevices);
    auto clientIf = address.Assign(m_clientDevices);
    if (m_populateArp)
    {
        // A station's (re)association brings its link up, and link changes
        // flush the ARP cache: fill the caches again after each association.
        auto all = std::make_shared<const NetDeviceContainer>(m_serverDevices, m_clientDevices);
        for (uint32_t i = 0; i < m_clientDevices.GetN(); ++i)
        {
            DynamicCast<WifiNetDevice>(m_clientDevices.Get(i))
                ->GetMac()
                ->TraceConnectWithoutContext("Assoc", MakeBoundCallback(&OnAssociated, all));
        }
    }
    m_server = server;
    m_clients = clients;
    for (uint32_t i = 0; i < clients.GetN(); ++i)
    {
        m_serverAddrs.push_back(serverIf.GetAddress(0));
        m_clientAddrs.push_back(clientIf.GetAddress(i));
    }
    m_topology = WIFI;
}

void
FedMoeEdgeNetworkHelper::InstallPointToPoint(Ptr<Node> server, NodeContainer clients)
{
    NS_LOG_FUNCTION(this << server << clients.GetN());
    RequireFresh();
    for (uint32_t i = 0; i < clients.GetN(); ++i)
    {
        if (!clients.Get(i)->GetObject<FedMoeDeviceProfile>())
        {
            throw std::invalid_argument("FedMoeEdgeNetworkHelper::InstallPointToPoint: client node "
                                        + std::to_string(clients.Get(i)->GetId())
                                        + " has no FedMoeDeviceProfile (aggregate one first)");
        }
    }
    if (!m_rateFactors.empty() && m_rateFactors.size() != clients.GetN())
    {
        throw std::invalid_argument(
            "FedMoeEdgeNetworkHelper::InstallPointToPoint: " + std::to_string(m_rateFactors.size())
            + " rate factors given for " + std::to_string(clients.GetN()) + " clients");
    }
    if (m_fidelity == FLOW)
    {
        InstallPointToPointFlow(server, clients);
        return;
    }
    InstallInternetIfMissing(NodeContainer(NodeContainer(server), clients));
    Ipv4AddressHelper address("10.2.0.0", "255.255.255.252");
    for (uint32_t i = 0; i < clients.GetN(); ++i)
    {
        auto profile = clients.Get(i)->GetObject<FedMoeDeviceProfile>();
        const double factor = m_rateFactors.empty() ? 1.0 : m_rateFactors[i];
        const auto real = [factor](DataRate announced)
        {
            return DataRate(static_cast<uint64_t>(std::llround(announced.GetBitRate() * factor)));
        };
        m_p2p.SetChannelAttribute("Delay", TimeValue(profile->GetLatency()));
        NetDeviceContainer link = m_p2p.Install(clients.Get(i), server);
        link.Get(0)->SetAttribute("DataRate", DataRateValue(real(profile->GetUplinkRate())));
        link.Get(1)->SetAttribute("DataRate", DataRateValue(real(profile->GetDownlinkRate())));
        if (profile->GetPacketErrorRate() > 0.0)
        {
            for (uint32_t end = 0; end < 2; ++end)
            {
                auto em = CreateObject<RateErrorModel>();
                em->SetUnit(RateErrorModel::ERROR_UNIT_PACKET);
                em->SetRate(profile->GetPacketErrorRate());
                link.Get(end)->SetAttribute("ReceiveErrorModel", PointerValue(em));
                m_errors.push_back(em);
            }
        }
        auto interfaces = address.Assign(link);
        address.NewNetwork();
        m_clientDevices.Add(link.Get(0));
        m_serverDevices.Add(link.Get(1));
        m_clientAddrs.push_back(interfaces.GetAddress(0));
        m_serverAddrs.push_back(interfaces.GetAddress(1));
        m_distances.push_back(0.0);
    }
    m_server = server;
    m_clients = clients;
    m_topology = P2P;
}

void
FedMoeEdgeNetworkHelper::InstallLte(Ptr<Node> server, NodeContainer clients)
{
    NS_LOG_FUNCTION(this << server << clients.GetN());
    RequireFresh();
    if (m_fidelity == FLOW)
    {
        InstallLteFlow(server, clients);
        return;
    }
    const std::vector<double> distances = m_mobility.DrawDistances(clients.GetN());
    std::vector<Vector> positions;
    std::vector<Vector> anchors;
    m_lte.PlaceUes(distances, positions, anchors);
    m_mobility.Install(clients, positions, anchors);
    m_lte.Install(server, clients, m_fading);
    m_server = server;
    m_clients = clients;
    m_serverDevices.Add(m_lte.GetServerDevice());
    m_clientDevices = m_lte.GetUeDevices();
    for (uint32_t i = 0; i < clients.GetN(); ++i)
    {
        m_serverAddrs.push_back(m_lte.GetServerAddress());
        m_clientAddrs.push_back(m_lte.GetUeAddress(i));
    }
    m_distances = distances;
    m_topology = LTE;
}

void
FedMoeEdgeNetworkHelper::ConnectChannelEstimator(Ptr<FedMoeChannelEstimator> estimator) const
{
    if (m_flow)
    {
        ConnectFlowEstimator(estimator);
        return;
    }
    for (uint32_t i = 0; i < m_clients.GetN(); ++i)
    {
        if (m_topology == WIFI)
        {
            estimator->ConnectWifiPhy(i, GetClientPhy(i), GetApAddress());
        }
        else if (m_topology == LTE)
        {
            estimator->ConnectLteUePhy(i, m_lte.GetUePhy(i));
        }
    }
}

int64_t
FedMoeEdgeNetworkHelper::AssignStreams(int64_t stream)
{
    int64_t used = 0;
    if (m_flowLoss)
    {
        used += m_flowLoss->AssignStreams(stream);
    }
    if (m_topology == WIFI && !m_flow)
    {
        WifiHelper wifi;
        used += wifi.AssignStreams(NetDeviceContainer(m_serverDevices, m_clientDevices), stream);
        used += m_wifiChannel->AssignStreams(stream + used);
    }
    used += m_lte.AssignStreams(stream + used);
    if (m_topology == WIFI || m_topology == LTE)
    {
        used += m_mobility.AssignStreams(stream + used);
    }
    for (auto& em : m_errors)
    {
        used += em->AssignStreams(stream + used);
    }
    return used;
}

FedMoeEdgeNetworkHelper::Topology
FedMoeEdgeNetworkHelper::GetTopology() const
{
    return m_topology;
}

Ptr<Node>
FedMoeEdgeNetworkHelper::GetServer() const
{
    return m_server;
}

NodeContainer
FedMoeEdgeNetworkHelper::GetClients() const
{
    return m_clients;
}

NetDeviceContainer
FedMoeEdgeNetworkHelper::GetServerDevices() const
{
    return m_serverDevices;
}

NetDeviceContainer
FedMoeEdgeNetworkHelper::GetClientDevices() const
{
    return m_clientDevices;
}

Ipv4Address
FedMoeEdgeNetworkHelper::GetServerAddress(uint32_t i) const
{
    RequireClient(i);
    return m_serverAddrs[i];
}

Ipv4Address
FedMoeEdgeNetworkHelper::GetClientAddress(uint32_t i) const
{
    RequireClient(i);
    return m_clientAddrs[i];
}

double
FedMoeEdgeNetworkHelper::GetDistance(uint32_t i) const
{
    RequireClient(i);
    return m_topology == P2P ? 0.0 : m_mobility.GetDistance(i);
}

Mac48Address
FedMoeEdgeNetworkHelper::GetApAddress() const
{
    if (m_topology != WIFI)
    {
        throw std::logic_error("FedMoeEdgeNetworkHelper::GetApAddress: no Wi-Fi cell installed");
    }
    return Mac48Address::ConvertFrom(m_serverDevices.Get(0)->GetAddress());
}

Ptr<WifiPhy>
FedMoeEdgeNetworkHelper::GetClientPhy(uint32_t i) const
{
    RequireClient(i);
    auto dev = DynamicCast<WifiNetDevice>(m_clientDevices.Get(i));
    return dev ? dev->GetPhy() : nullptr;
}

} // namespace ns3
