// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeFlowWifiAccess, FedMoeFlowLteAccess: rates from SNR/SINR through
 * ns-3's own PHY tables.
 */

#include "fedmoe-flow-radio.h"

#include "../compat/fedmoe-ns3-compat.h"
#include "fedmoe-flow-network.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/he-phy.h"
#include "ns3/lte-amc.h"
#include "ns3/mobility-model.h"
#include "ns3/table-based-error-rate-model.h"
#include "ns3/uinteger.h"
#include "ns3/wifi-tx-vector.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(FedMoeFlowWifiAccess);
NS_OBJECT_ENSURE_REGISTERED(FedMoeFlowLteAccess);

namespace
{

/// The Wi-Fi rate table's range and step, dB.
constexpr double kTableMinDb = -10.0;
constexpr double kTableMaxDb = 60.0;
constexpr double kTableStepDb = 0.25;

/// Thermal noise over a bandwidth plus a noise figure, dBm.
double
NoiseDbm(double bandwidthHz, double noiseFigureDb)
{
    return -174.0 + 10.0 * std::log10(bandwidthHz) + noiseFigureDb;
}

double
DbmToMw(double dbm)
{
    return std::pow(10.0, dbm / 10.0);
}

/// Checks that every node has a MobilityModel, and returns them.
std::vector<Ptr<MobilityModel>>
Positions(const std::string& who, NodeContainer nodes)
{
    std::vector<Ptr<MobilityModel>> positions;
    for (uint32_t i = 0; i < nodes.GetN(); ++i)
    {
        Ptr<MobilityModel> m = nodes.Get(i)->GetObject<MobilityModel>();
        if (!m)
        {
            throw std::invalid_argument(who + ": node " + std::to_string(nodes.Get(i)->GetId())
                                        + " has no MobilityModel (place it first)");
        }
        positions.push_back(m);
    }
    return positions;
}

} // namespace

// --- Wi-Fi -----------------------------------------------------------------

TypeId
FedMoeFlowWifiAccess::GetTypeId()
{
    using W = FedMoeFlowWifiAccess;
    static TypeId tid
        = TypeId("ns3::FedMoeFlowWifiAccess")
              .SetParent<FedMoeFlowAccess>()
              .SetGroupName("FedMoe")
              .AddConstructor<W>()
              .AddAttribute("TxPower", "Transmit power of the AP and the stations, dBm.",
                            DoubleValue(16.0206), MakeDoubleAccessor(&W::m_txPowerDbm),
                            MakeDoubleChecker<double>())
              .AddAttribute("NoiseFigure", "Receiver noise figure, dB.", DoubleValue(7.0),
                            MakeDoubleAccessor(&W::m_noiseFigureDb), MakeDoubleChecker<double>(0))
              .AddAttribute("ChannelWidth", "Channel width, MHz (20, 40, 80, 160).",
                            UintegerValue(20), MakeUintegerAccessor(&W::m_channelWidth),
                            MakeUintegerChecker<uint16_t>(20, 160))
              .AddAttribute("DownlinkEfficiency",
                            "Share of the PHY rate that carries TCP segments from the AP (the "
                            "MAC's contention, preambles, RTS/CTS and block acks take the "
                            "rest), (0, 1]. Default: fitted by fedmoe-flow-calibrate on 5-50 "
                            "stations (contrib/fedmoe/doc/flow-calibration/wifi.json).",
                            DoubleValue(0.47), MakeDoubleAccessor(&W::m_dlEfficiency),
                            MakeDoubleChecker<double>(1e-3, 1.0))
              .AddAttribute("UplinkEfficiency",
                            "Share of the PHY rate that carries TCP segments from a station, "
                            "(0, 1]. Default: fitted as DownlinkEfficiency.",
                            DoubleValue(0.40), MakeDoubleAccessor(&W::m_ulEfficiency),
                            MakeDoubleChecker<double>(1e-3, 1.0))
              .AddAttribute("Latency", "One-way latency, channel access included.",
                            TimeValue(MilliSeconds(1)), MakeTimeAccessor(&W::m_latency),
                            MakeTimeChecker(Time(0)))
              .AddAttribute("AirtimeFairness",
                            "Share the cell's airtime equally among active flows (true) or "
                            "give them equal throughput as 802.11 DCF does (false).",
                            BooleanValue(false), MakeBooleanAccessor(&W::m_airtimeFair),
                            MakeBooleanChecker());
    return tid;
}

FedMoeFlowWifiAccess::FedMoeFlowWifiAccess()
    : m_txPowerDbm(16.0206),
      m_noiseFigureDb(7.0),
      m_channelWidth(20),
      m_dlEfficiency(0.47),
      m_ulEfficiency(0.40),
      m_latency(MilliSeconds(1)),
      m_airtimeFair(false)
{
}

FedMoeFlowWifiAccess::~FedMoeFlowWifiAccess() = default;

void
FedMoeFlowWifiAccess::DoDispose()
{
    m_ap = nullptr;
    m_stations.clear();
    m_loss = nullptr;
    FedMoeFlowAccess::DoDispose();
}

void
FedMoeFlowWifiAccess::SetCell(Ptr<Node> ap, NodeContainer stations, Ptr<PropagationLossModel> loss,
                              bool timeVarying)
{
    m_ap = Positions("FedMoeFlowWifiAccess::SetCell", NodeContainer(ap)).front();
    m_stations = Positions("FedMoeFlowWifiAccess::SetCell", stations);
    m_loss = loss;
    m_timeVarying = timeVarying;
}

void
FedMoeFlowWifiAccess::Attach(FedMoeFlowNetwork& network)
{
    m_cell = network.AddResource(1.0);
    m_dead = network.AddResource(0.0);
}

uint32_t
FedMoeFlowWifiAccess::GetNClients() const
{
    return static_cast<uint32_t>(m_stations.size());
}

bool
FedMoeFlowWifiAccess::IsTimeVarying() const
{
    return m_timeVarying;
}

Time
FedMoeFlowWifiAccess::GetLatency(uint32_t /* client */, FedMoeFlowDirection /* direction */) const
{
    return m_latency;
}

double
FedMoeFlowWifiAccess::GetSnrDb(uint32_t client) const
{
    const double rx = m_loss->CalcRxPower(m_txPowerDbm, m_ap, m_stations.at(client));
    return rx - NoiseDbm(m_channelWidth * 1e6, m_noiseFigureDb);
}

void
FedMoeFlowWifiAccess::BuildRateTable() const
{
    auto errors = CreateObject<TableBasedErrorRateModel>();
    const uint64_t frameBits = 1500 * 8;
    for (double snrDb = kTableMinDb; snrDb <= kTableMaxDb + 1e-9; snrDb += kTableStepDb)
    {
        const double snr = std::pow(10.0, snrDb / 10.0);
        double best = 0;
        for (uint8_t mcs = 0; mcs <= 11; ++mcs)
        {
            WifiMode mode = HePhy::GetHeMcs(mcs);
            WifiTxVector txVector;
            txVector.SetMode(mode);
            txVector.SetPreambleType(WIFI_PREAMBLE_HE_SU);
            txVector.SetChannelWidth(m_channelWidth);
            txVector.SetNss(1);
            FedMoeCompat::SetGuardIntervalNs(txVector, 800);
            const double rate = static_cast<double>(mode.GetDataRate(txVector));
            const double success = errors->GetChunkSuccessRate(mode, txVector, snr, frameBits);
            // Rate control keeps to MCSs that lose at most one frame in ten.
            if (success >= 0.9)
            {
                best = std::max(best, rate * success);
            }
        }
        m_rateTable.push_back(best);
    }
}

double
FedMoeFlowWifiAccess::GetPhyRate(double snrDb) const
{
    if (m_rateTable.empty())
    {
        BuildRateTable();
    }
    if (!(snrDb >= kTableMinDb))
    {
        return 0.0;
    }
    const auto i = static_cast<size_t>(std::min((snrDb - kTableMinDb) / kTableStepDb,
                                                static_cast<double>(m_rateTable.size() - 1)));
    return m_rateTable[i];
}

FedMoeFlowPath
FedMoeFlowWifiAccess::GetPath(uint32_t client, FedMoeFlowDirection direction,
                              const FedMoeFlowNetwork& /* network */) const
{
    FedMoeFlowPath path;
    path.latency = m_latency;
    const double efficiency
        = direction == FedMoeFlowDirection::UP ? m_ulEfficiency : m_dlEfficiency;
    const double rate = GetPhyRate(GetSnrDb(client)) * efficiency;
    if (rate <= 0)
    {
        path.uses.emplace_back(m_dead, 1.0);
        return path;
    }
    // Up and down share one channel: the same airtime resource.
    path.uses.emplace_back(m_cell, 1.0 / rate);
    path.weight = m_airtimeFair ? rate : 1.0;
    return path;
}

// --- LTE -------------------------------------------------------------------

TypeId
FedMoeFlowLteAccess::GetTypeId()
{
    using L = FedMoeFlowLteAccess;
    static TypeId tid
        = TypeId("ns3::FedMoeFlowLteAccess")
              .SetParent<FedMoeFlowAccess>()
              .SetGroupName("FedMoe")
              .AddConstructor<L>()
              .AddAttribute("EnbTxPower", "eNB transmit power, dBm (LteEnbPhy's default).",
                            DoubleValue(30.0), MakeDoubleAccessor(&L::m_enbPowerDbm),
                            MakeDoubleChecker<double>())
              .AddAttribute("UeMaxTxPower",
                            "UE's largest transmit power, dBm (LteUePowerControl's Pcmax).",
                            DoubleValue(23.0), MakeDoubleAccessor(&L::m_uePowerDbm),
                            MakeDoubleChecker<double>())
              .AddAttribute("PuschTarget",
                            "Received power per resource block the UE's uplink power control "
                            "aims at, dBm (LteUePowerControl's PoNominalPusch, alpha 1).",
                            DoubleValue(-80.0), MakeDoubleAccessor(&L::m_puschTargetDbm),
                            MakeDoubleChecker<double>())
              .AddAttribute("EnbNoiseFigure", "eNB noise figure, dB.", DoubleValue(5.0),
                            MakeDoubleAccessor(&L::m_enbNoiseFigureDb),
                            MakeDoubleChecker<double>(0))
              .AddAttribute("UeNoiseFigure", "UE noise figure, dB.", DoubleValue(9.0),
                            MakeDoubleAccessor(&L::m_ueNoiseFigureDb), MakeDoubleChecker<double>(0))
              .AddAttribute("DownlinkEfficiency",
                            "Share of the downlink transport blocks that carries TCP segments "
                            "(RLC, PDCP, GTP headers, HARQ retransmissions take the rest), (0, 2]: "
                            "above 1 where ns-3's "
                            "schedulers do better than the CQI model.",
                            DoubleValue(1.11), MakeDoubleAccessor(&L::m_dlEfficiency),
                            MakeDoubleChecker<double>(1e-3, 2.0))
              .AddAttribute(
                  "UplinkEfficiency",
                  "Share of the uplink transport blocks that carries TCP segments, (0, 2]. "
                  "Default: fitted as DownlinkEfficiency.",
                  DoubleValue(0.67), MakeDoubleAccessor(&L::m_ulEfficiency),
                  MakeDoubleChecker<double>(1e-3, 2.0))
              .AddAttribute("DownlinkLatency", "One-way radio latency, downlink.",
                            TimeValue(MilliSeconds(3)), MakeTimeAccessor(&L::m_dlLatency),
                            MakeTimeChecker(Time(0)))
              .AddAttribute("UplinkLatency",
                            "One-way radio latency, uplink (scheduling request and grant).",
                            TimeValue(MilliSeconds(10)), MakeTimeAccessor(&L::m_ulLatency),
                            MakeTimeChecker(Time(0)));
    return tid;
}

FedMoeFlowLteAccess::FedMoeFlowLteAccess()
    : m_enbPowerDbm(30.0),
      m_uePowerDbm(23.0),
      m_puschTargetDbm(-80.0),
      m_enbNoiseFigureDb(5.0),
      m_ueNoiseFigureDb(9.0),
      m_dlEfficiency(1.11),
      m_ulEfficiency(0.67),
      m_dlLatency(MilliSeconds(3)),
      m_ulLatency(MilliSeconds(10))
{
}

FedMoeFlowLteAccess::~FedMoeFlowLteAccess() = default;

void
FedMoeFlowLteAccess::DoDispose()
{
    m_enbs.clear();
    m_ues.clear();
    m_dlLoss = nullptr;
    m_ulLoss = nullptr;
    m_amc = nullptr;
    FedMoeFlowAccess::DoDispose();
}

void
FedMoeFlowLteAccess::SetCells(NodeContainer enbs, NodeContainer ues,
                              Ptr<PropagationLossModel> downlinkLoss,
                              Ptr<PropagationLossModel> uplinkLoss, uint16_t resourceBlocks,
                              DataRate backhaulRate, Time backhaulDelay, bool timeVarying)
{
    if (enbs.GetN() == 0)
    {
        throw std::invalid_argument("FedMoeFlowLteAccess::SetCells: no eNB");
    }
    m_enbs = Positions("FedMoeFlowLteAccess::SetCells", enbs);
    m_ues = Positions("FedMoeFlowLteAccess::SetCells", ues);
    m_dlLoss = downlinkLoss;
    m_ulLoss = uplinkLoss;
    m_resourceBlocks = resourceBlocks;
    m_backhaulRate = backhaulRate;
    m_backhaulDelay = backhaulDelay;
    m_timeVarying = timeVarying;
    m_amc = CreateObject<LteAmc>();
}

void
FedMoeFlowLteAccess::Attach(FedMoeFlowNetwork& network)
{
    for (size_t k = 0; k < m_enbs.size(); ++k)
    {
        m_dlCell.push_back(network.AddResource(1.0));
        m_ulCell.push_back(network.AddResource(1.0));
    }
    m_backhaulUp = network.AddResource(static_cast<double>(m_backhaulRate.GetBitRate()));
    m_backhaulDown = network.AddResource(static_cast<double>(m_backhaulRate.GetBitRate()));
    m_dead = network.AddResource(0.0);
}

uint32_t
FedMoeFlowLteAccess::GetNClients() const
{
    return static_cast<uint32_t>(m_ues.size());
}

bool
FedMoeFlowLteAccess::IsTimeVarying() const
{
    return m_timeVarying;
}

Time
FedMoeFlowLteAccess::GetLatency(uint32_t /* client */, FedMoeFlowDirection direction) const
{
    return (direction == FedMoeFlowDirection::UP ? m_ulLatency : m_dlLatency) + m_backhaulDelay;
}

double
FedMoeFlowLteAccess::DownlinkSinrDb(uint32_t client) const
{
    const size_t serving = client % m_enbs.size();
    double signal = 0;
    double interference = 0;
    for (size_t k = 0; k < m_enbs.size(); ++k)
    {
        const double mw
            = DbmToMw(m_dlLoss->CalcRxPower(m_enbPowerDbm, m_enbs[k], m_ues.at(client)));
        (k == serving ? signal : interference) += mw;
    }
    const double noise = DbmToMw(NoiseDbm(m_resourceBlocks * 180e3, m_ueNoiseFigureDb));
    return 10.0 * std::log10(signal / (interference + noise));
}

double
FedMoeFlowLteAccess::GetSnrDb(uint32_t client) const
{
    return DownlinkSinrDb(client);
}

double
FedMoeFlowLteAccess::GetRate(double sinrDb, uint32_t resourceBlocks, bool downlink) const
{
    // LteAmc's PiroEW2010 model: spectral efficiency at a BER of 5e-5.
    const double gap = -std::log(5.0 * 0.00005) / 1.5;
    const double efficiency = std::log2(1.0 + std::pow(10.0, sinrDb / 10.0) / gap);
    const int cqi = m_amc->GetCqiFromSpectralEfficiency(efficiency);
    if (cqi <= 0)
    {
        return 0.0;
    }
    const int mcs = m_amc->GetMcsFromCqi(cqi);
    const int rbs = static_cast<int>(resourceBlocks);
    const int bits
        = downlink ? m_amc->GetDlTbSizeFromMcs(mcs, rbs) : m_amc->GetUlTbSizeFromMcs(mcs, rbs);
    return 1000.0 * bits; // one transport block per 1 ms TTI
}

FedMoeFlowPath
FedMoeFlowLteAccess::GetPath(uint32_t client, FedMoeFlowDirection direction,
                             const FedMoeFlowNetwork& network) const
{
    const size_t cell = client % m_enbs.size();
    FedMoeFlowPath path;
    path.latency = GetLatency(client, direction);
    double rate = 0;
    if (direction == FedMoeFlowDirection::DOWN)
    {
        rate = GetRate(DownlinkSinrDb(client), m_resourceBlocks, true) * m_dlEfficiency;
    }
    else
    {
        // The cell's uplink flows share its blocks. Power control aims at
        // PuschTarget per block; a UE that cannot reach it (the cell edge)
        // spreads its largest power over its share, so its SNR per block
        // grows as its share shrinks.
        const uint32_t sharing = std::max(1u, network.GetActiveFlows(m_ulCell[cell]));
        const uint32_t blocks = std::max(1u, m_resourceBlocks / sharing);
        const double rx = m_ulLoss->CalcRxPower(m_uePowerDbm, m_ues.at(client), m_enbs[cell]);
        const double perBlock = std::min(m_puschTargetDbm, rx - 10.0 * std::log10(blocks));
        const double snrDb = perBlock - NoiseDbm(180e3, m_enbNoiseFigureDb);
        rate = GetRate(snrDb, blocks, false) / blocks * m_resourceBlocks * m_ulEfficiency;
    }
    if (rate <= 0)
    {
        path.uses.emplace_back(m_dead, 1.0);
        return path;
    }
    const bool up = direction == FedMoeFlowDirection::UP;
    path.uses.emplace_back(up ? m_ulCell[cell] : m_dlCell[cell], 1.0 / rate);
    path.uses.emplace_back(up ? m_backhaulUp : m_backhaulDown, 1.0);
    // Equal resource-block shares among backlogged UEs: airtime fairness.
    path.weight = rate;
    return path;
}

} // namespace ns3
