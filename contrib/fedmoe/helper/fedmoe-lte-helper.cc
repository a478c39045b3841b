// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeLteHelper: LTE + EPC cells with the edge server behind the PGW.
 */

#include "fedmoe-lte-helper.h"

#include "ns3/boolean.h"
#include "ns3/channel-condition-model.h"
#include "ns3/config.h"
#include "ns3/constant-position-mobility-model.h"
#include "ns3/ff-mac-scheduler.h"
#include "ns3/internet-stack-helper.h"
#include "ns3/ipv4-address-helper.h"
#include "ns3/ipv4-static-routing-helper.h"
#include "ns3/ipv4.h"
#include "ns3/log.h"
#include "ns3/lte-helper.h"
#include "ns3/lte-ue-net-device.h"
#include "ns3/lte-ue-phy.h"
#include "ns3/mobility-helper.h"
#include "ns3/mobility-model.h"
#include "ns3/point-to-point-epc-helper.h"
#include "ns3/pointer.h"
#include "ns3/position-allocator.h"
#include "ns3/propagation-loss-model.h"
#include "ns3/radio-bearer-stats-calculator.h"
#include "ns3/spectrum-channel.h"
#include "ns3/string.h"
#include "ns3/three-gpp-propagation-loss-model.h"
#include "ns3/uinteger.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeLteHelper");

namespace
{

/// UEs stand this high (3GPP TR 38.901's default user terminal height).
constexpr double UE_HEIGHT = 1.5;

/// The TypeId named type, which must be a child of parent (or throw, naming what).
TypeId
RequireType(const std::string& what, const std::string& type, TypeId parent)
{
    TypeId tid;
    if (!TypeId::LookupByNameFailSafe(type, &tid) || !tid.IsChildOf(parent))
    {
        throw std::invalid_argument("FedMoeLteHelper::" + what + ": \"" + type + "\" is not "
                                    + (tid == TypeId() ? "a known TypeId" : "a " + parent.GetName())
                                    + " (allowed: a " + parent.GetName() + " TypeId name)");
    }
    return tid;
}

void
InstallInternetIfMissing(NodeContainer nodes)
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

} // namespace

FedMoeLteHelper::FedMoeLteHelper()
    : m_enbCount(1),
      m_interSiteDistance(500.0),
      m_enbHeight(25.0),
      m_shadowing(true),
      m_scheduler("ns3::PfFfMacScheduler"),
      m_bandwidth(25),
      m_backhaulRate("10Gbps"),
      m_backhaulDelay(MilliSeconds(5)),
      m_sinrPeriodMs(10),
      m_rlcBuffer(256 * 1024)
{
    m_pathloss.SetTypeId("ns3::ThreeGppUmaPropagationLossModel");
    m_condition.SetTypeId("ns3::ThreeGppUmaChannelConditionModel");
}

// Out of line: the Ptr members' types are complete only here.
FedMoeLteHelper::~FedMoeLteHelper() = default;
FedMoeLteHelper::FedMoeLteHelper(const FedMoeLteHelper& other) = default;
FedMoeLteHelper& FedMoeLteHelper::operator=(const FedMoeLteHelper& other) = default;

void
FedMoeLteHelper::SetEnbs(uint32_t count, double interSiteDistance)
{
    if (count == 0 || !(interSiteDistance > 0.0) || !std::isfinite(interSiteDistance))
    {
        std::ostringstream os;
        os << "FedMoeLteHelper::SetEnbs: invalid " << count << " eNBs " << interSiteDistance
           << " m apart (allowed: count >= 1, distance finite and > 0)";
        throw std::invalid_argument(os.str());
    }
    m_enbCount = count;
    m_interSiteDistance = interSiteDistance;
}

void
FedMoeLteHelper::SetEnbHeight(double metres)
{
    if (!(metres > 0.0) || !std::isfinite(metres))
    {
        std::ostringstream os;
        os << "FedMoeLteHelper::SetEnbHeight: invalid height " << metres
           << " m (allowed: finite, > 0)";
        throw std::invalid_argument(os.str());
    }
    m_enbHeight = metres;
}

void
FedMoeLteHelper::SetPathloss(std::string type)
{
    const TypeId tid = RequireType("SetPathloss", type, PropagationLossModel::GetTypeId());
    m_pathloss = ObjectFactory();
    m_pathloss.SetTypeId(tid);
    m_pathlossAttributes.clear();
}

void
FedMoeLteHelper::SetPathlossAttribute(std::string name, const AttributeValue& value)
{
    TypeId::AttributeInformation info;
    if (!m_pathloss.GetTypeId().LookupAttributeByName(name, &info))
    {
        throw std::invalid_argument("FedMoeLteHelper::SetPathlossAttribute: "
                                    + m_pathloss.GetTypeId().GetName() + " has no attribute \""
                                    + name + "\"");
    }
    m_pathlossAttributes.emplace_back(name, value.Copy());
}

void
FedMoeLteHelper::SetChannelCondition(std::string type)
{
    TypeId tid;
    ObjectFactory factory;
    // ns-3's AlwaysLos/NeverLos models declare Object as their parent, so the
    // TypeId tree cannot tell: ask an instance.
    if (!TypeId::LookupByNameFailSafe(type, &tid) || !tid.HasConstructor()
        || (factory.SetTypeId(tid), !DynamicCast<ChannelConditionModel>(factory.Create())))
    {
        throw std::invalid_argument("FedMoeLteHelper::SetChannelCondition: \"" + type
                                    + "\" is not a ChannelConditionModel TypeId (allowed: e.g. "
                                      "ns3::ThreeGppUmaChannelConditionModel, "
                                      "ns3::AlwaysLosChannelConditionModel)");
    }
    m_condition = factory;
}

void
FedMoeLteHelper::SetConditionUpdatePeriod(Time period)
{
    if (period.IsStrictlyNegative())
    {
        throw std::invalid_argument("FedMoeLteHelper::SetConditionUpdatePeriod: invalid period "
                                    + std::to_string(period.GetSeconds()) + " s (allowed: >= 0)");
    }
    TypeId::AttributeInformation info;
    if (!m_condition.GetTypeId().LookupAttributeByName("UpdatePeriod", &info))
    {
        throw std::invalid_argument("FedMoeLteHelper::SetConditionUpdatePeriod: "
                                    + m_condition.GetTypeId().GetName()
                                    + " has no UpdatePeriod (choose a 3GPP channel condition "
                                      "model first)");
    }
    m_condition.Set("UpdatePeriod", TimeValue(period));
}

void
FedMoeLteHelper::SetShadowing(bool enable)
{
    m_shadowing = enable;
}

void
FedMoeLteHelper::SetScheduler(std::string type)
{
    RequireType("SetScheduler", type, FfMacScheduler::GetTypeId());
    m_scheduler = type;
}

void
FedMoeLteHelper::SetBandwidth(uint16_t resourceBlocks)
{
    for (uint16_t allowed : {6, 15, 25, 50, 75, 100})
    {
        if (resourceBlocks == allowed)
        {
            m_bandwidth = resourceBlocks;
            return;
        }
    }
    throw std::invalid_argument("FedMoeLteHelper::SetBandwidth: invalid bandwidth "
                                + std::to_string(resourceBlocks)
                                + " resource blocks (allowed: 6, 15, 25, 50, 75, 100)");
}

void
FedMoeLteHelper::SetBackhaul(DataRate rate, Time delay)
{
    if (rate.GetBitRate() == 0 || delay.IsStrictlyNegative())
    {
        std::ostringstream os;
        os << "FedMoeLteHelper::SetBackhaul: invalid backhaul " << rate.GetBitRate() << " bit/s, "
           << delay.GetSeconds() << " s (allowed: rate > 0, delay >= 0)";
        throw std::invalid_argument(os.str());
    }
    m_backhaulRate = rate;
    m_backhaulDelay = delay;
}

void
FedMoeLteHelper::SetSinrReportPeriod(Time period)
{
    const int64_t ms = period.GetMilliSeconds();
    if (ms < 1 || ms > 65535 || MilliSeconds(ms) != period)
    {
        throw std::invalid_argument("FedMoeLteHelper::SetSinrReportPeriod: invalid period "
                                    + std::to_string(period.GetSeconds())
                                    + " s (allowed: a whole number of ms, 1 ms to 65.535 s)");
    }
    m_sinrPeriodMs = static_cast<uint16_t>(ms);
}

void
FedMoeLteHelper::SetRlcBuffer(uint32_t bytes)
{
    if (bytes == 0)
    {
        throw std::invalid_argument(
            "FedMoeLteHelper::SetRlcBuffer: invalid buffer 0 bytes (allowed: > 0)");
    }
    m_rlcBuffer = bytes;
}

void
FedMoeLteHelper::PlaceUes(const std::vector<double>& distances, std::vector<Vector>& uePositions,
                          std::vector<Vector>& anchors) const
{
    // UEs of one eNB on a circle of angles around it, so no two share a spot.
    const uint32_t n = distances.size();
    std::vector<uint32_t> perEnb(m_enbCount, 0);
    for (uint32_t i = 0; i < n; ++i)
    {
        ++perEnb[i % m_enbCount];
    }
    uePositions.clear();
    anchors.clear();
    for (uint32_t i = 0; i < n; ++i)
    {
        const uint32_t k = i % m_enbCount;
        const double angle = 2.0 * M_PI * (i / m_enbCount) / perEnb[k];
        const Vector enb(k * m_interSiteDistance, 0.0, m_enbHeight);
        anchors.push_back(enb);
        uePositions.emplace_back(enb.x + distances[i] * std::cos(angle),
                                 enb.y + distances[i] * std::sin(angle), UE_HEIGHT);
    }
}

void
FedMoeLteHelper::Install(Ptr<Node> server, NodeContainer clients, const ObjectFactory& fading)
{
    NS_LOG_FUNCTION(this << server << clients.GetN());
    for (uint32_t i = 0; i < clients.GetN(); ++i)
    {
        if (!clients.Get(i)->GetObject<MobilityModel>())
        {
            throw std::logic_error("FedMoeLteHelper::Install: client node "
                                   + std::to_string(clients.Get(i)->GetId())
                                   + " has no MobilityModel (place the UEs first)");
        }
    }
    Config::SetDefault("ns3::LteRlcUm::MaxTxBufferSize", UintegerValue(m_rlcBuffer));
    // Each UE of a cell needs its own SRS slot: the eNB's SRS periodicity (40 by
    // default, so 40 UEs at most) must cover the busiest cell; ns-3 allows up to 320.
    const uint32_t busiest = (clients.GetN() + m_enbCount - 1) / m_enbCount;
    uint32_t srs = 0;
    for (uint32_t p : {2u, 5u, 10u, 20u, 40u, 80u, 160u, 320u})
    {
        if (srs == 0 && p >= busiest)
        {
            srs = p;
        }
    }
    if (srs == 0)
    {
        throw std::invalid_argument("FedMoeLteHelper::Install: " + std::to_string(busiest)
                                    + " UEs in one cell; ns-3's LTE allows 320 per eNB (use "
                                      "more eNBs: SetEnbs)");
    }
    Config::SetDefault("ns3::LteEnbRrc::SrsPeriodicity", UintegerValue(std::max(srs, 40u)));
    m_lte = CreateObject<LteHelper>();
    m_epc = CreateObject<PointToPointEpcHelper>();
    m_lte->SetEpcHelper(m_epc);
    m_lte->SetSchedulerType(m_scheduler);
    m_lte->SetPathlossModelType(m_pathloss.GetTypeId());
    if (m_pathloss.GetTypeId().IsChildOf(ThreeGppPropagationLossModel::GetTypeId()))
    {
        // One condition model for both directions: a link is LOS or NLOS both ways.
        m_conditionModel = m_condition.Create<ChannelConditionModel>();
        m_lte->SetPathlossModelAttribute("ChannelConditionModel", PointerValue(m_conditionModel));
        m_lte->SetPathlossModelAttribute("ShadowingEnabled", BooleanValue(m_shadowing));
    }
    for (const auto& [name, value] : m_pathlossAttributes)
    {
        m_lte->SetPathlossModelAttribute(name, *value);
    }
    m_lte->SetEnbDeviceAttribute("DlBandwidth", UintegerValue(m_bandwidth));
    m_lte->SetEnbDeviceAttribute("UlBandwidth", UintegerValue(m_bandwidth));

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
    // The wired nodes in a row behind eNB 0, so NetAnim can draw them.
    const double row = -m_interSiteDistance / 5;
    uint32_t slot = 1;
    for (Ptr<Node> wired : {m_epc->GetSgwNode(), m_epc->GetPgwNode(), server})
    {
        if (!wired->GetObject<MobilityModel>())
        {
            auto position = CreateObject<ConstantPositionMobilityModel>();
            position->SetPosition(Vector(slot * row, row, 0.0));
            wired->AggregateObject(position);
        }
        ++slot;
    }
    m_enbDevices = m_lte->InstallEnbDevice(enbs);
    m_ueDevices = m_lte->InstallUeDevice(clients);

    // The path loss models exist once the first eNB is installed.
    if (fading.IsTypeIdSet())
    {
        for (Ptr<SpectrumChannel> channel :
             {m_lte->GetDownlinkSpectrumChannel(), m_lte->GetUplinkSpectrumChannel()})
        {
            channel->GetPropagationLossModel()->SetNext(fading.Create<PropagationLossModel>());
        }
    }

    // Backhaul: server <-> PGW.
    InstallInternetIfMissing(NodeContainer(NodeContainer(server), clients));
    m_backhaul.SetDeviceAttribute("DataRate", DataRateValue(m_backhaulRate));
    m_backhaul.SetChannelAttribute("Delay", TimeValue(m_backhaulDelay));
    NetDeviceContainer link = m_backhaul.Install(m_epc->GetPgwNode(), server);
    Ipv4AddressHelper address("10.3.0.0", "255.255.255.252");
    Ipv4InterfaceContainer linkIf = address.Assign(link);
    m_serverDevice = link.Get(1);
    m_serverAddress = linkIf.GetAddress(1);
    Ipv4StaticRoutingHelper routing;
    Ptr<Ipv4> serverIp = server->GetObject<Ipv4>();
    const Ipv4Mask ueMask("255.0.0.0");
    routing.GetStaticRouting(serverIp)->AddNetworkRouteTo(
        m_epc->GetUeDefaultGatewayAddress().CombineMask(ueMask), ueMask,
        serverIp->GetInterfaceForDevice(m_serverDevice));

    Ipv4InterfaceContainer ueIf = m_epc->AssignUeIpv4Address(m_ueDevices);
    for (uint32_t i = 0; i < clients.GetN(); ++i)
    {
        Ptr<Ipv4> ip = clients.Get(i)->GetObject<Ipv4>();
        routing.GetStaticRouting(ip)->SetDefaultRoute(
            m_epc->GetUeDefaultGatewayAddress(), ip->GetInterfaceForDevice(m_ueDevices.Get(i)));
        m_ueAddresses.push_back(ueIf.GetAddress(i));
        GetUePhy(i)->SetAttribute("RsrpSinrSamplePeriod", UintegerValue(m_sinrPeriodMs));
        m_lte->Attach(m_ueDevices.Get(i), m_enbDevices.Get(i % m_enbCount));
    }
}

void
FedMoeLteHelper::EnableStats(std::string prefix)
{
    if (!m_lte)
    {
        throw std::logic_error("FedMoeLteHelper::EnableStats: install the LTE network first");
    }
    m_lte->EnableRlcTraces();
    m_lte->EnablePdcpTraces();
    m_lte->GetRlcStats()->SetAttribute("DlRlcOutputFilename", StringValue(prefix + "-dl-rlc.txt"));
    m_lte->GetRlcStats()->SetAttribute("UlRlcOutputFilename", StringValue(prefix + "-ul-rlc.txt"));
    m_lte->GetPdcpStats()->SetAttribute("DlPdcpOutputFilename",
                                        StringValue(prefix + "-dl-pdcp.txt"));
    m_lte->GetPdcpStats()->SetAttribute("UlPdcpOutputFilename",
                                        StringValue(prefix + "-ul-pdcp.txt"));
}

int64_t
FedMoeLteHelper::AssignStreams(int64_t stream)
{
    if (!m_lte)
    {
        // Flow level: the path loss models (and their fading), the conditions.
        int64_t used = 0;
        for (const auto& loss : m_flowLosses)
        {
            used += loss->AssignStreams(stream + used);
        }
        if (m_conditionModel)
        {
            used += m_conditionModel->AssignStreams(stream + used);
        }
        return used;
    }
    int64_t used = m_lte->AssignStreams(NetDeviceContainer(m_enbDevices, m_ueDevices), stream);
    for (Ptr<SpectrumChannel> channel :
         {m_lte->GetDownlinkSpectrumChannel(), m_lte->GetUplinkSpectrumChannel()})
    {
        // Covers the fading model too: a loss model assigns its successors'.
        used += channel->GetPropagationLossModel()->AssignStreams(stream + used);
    }
    if (m_conditionModel)
    {
        used += m_conditionModel->AssignStreams(stream + used);
    }
    return used;
}

Ptr<LteHelper>
FedMoeLteHelper::GetLteHelper() const
{
    return m_lte;
}

Ptr<PointToPointEpcHelper>
FedMoeLteHelper::GetEpcHelper() const
{
    return m_epc;
}

NetDeviceContainer
FedMoeLteHelper::GetEnbDevices() const
{
    return m_enbDevices;
}

NetDeviceContainer
FedMoeLteHelper::GetUeDevices() const
{
    return m_ueDevices;
}

Ptr<NetDevice>
FedMoeLteHelper::GetServerDevice() const
{
    return m_serverDevice;
}

Ipv4Address
FedMoeLteHelper::GetServerAddress() const
{
    return m_serverAddress;
}

Ipv4Address
FedMoeLteHelper::GetUeAddress(uint32_t i) const
{
    return m_ueAddresses.at(i);
}

Ptr<LteUePhy>
FedMoeLteHelper::GetUePhy(uint32_t i) const
{
    return DynamicCast<LteUeNetDevice>(m_ueDevices.Get(i))->GetPhy();
}

PointToPointHelper&
FedMoeLteHelper::GetBackhaulHelper()
{
    return m_backhaul;
}

} // namespace ns3
