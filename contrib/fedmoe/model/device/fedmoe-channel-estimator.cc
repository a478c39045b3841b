// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeChannelEstimator: per-peer EWMA of goodput, RTT and SNR.
 */

#include "fedmoe-channel-estimator.h"

#include "ns3/callback.h"
#include "ns3/double.h"
#include "ns3/log.h"
#include "ns3/lte-ue-phy.h"
#include "ns3/packet.h"
#include "ns3/wifi-mac-header.h"
#include "ns3/wifi-phy.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeChannelEstimator");

NS_OBJECT_ENSURE_REGISTERED(FedMoeChannelEstimator);

namespace
{

/// Adapts MonitorSnifferRx's signature to the estimator (bound to one peer).
void
SnifferSink(Ptr<FedMoeChannelEstimator> estimator, uint32_t peer, Mac48Address transmitter,
            Ptr<const Packet> packet, uint16_t /* channelFreqMhz */, WifiTxVector /* txVector */,
            MpduInfo /* aMpdu */, SignalNoiseDbm signalNoise, uint16_t /* staId */)
{
    WifiMacHeader header;
    if (packet->GetSize() < header.GetSerializedSize())
    {
        return;
    }
    packet->PeekHeader(header);
    // Control frames such as CTS and ACK carry no transmitter address.
    if (header.IsCtl() || header.GetAddr2() != transmitter)
    {
        return;
    }
    estimator->RecordSnr(peer, signalNoise.signal - signalNoise.noise);
}

/// Adapts ReportCurrentCellRsrpSinr's signature (SINR linear) to the estimator.
void
LteSinrSink(Ptr<FedMoeChannelEstimator> estimator, uint32_t peer, uint16_t /* cellId */,
            uint16_t /* rnti */, double /* rsrpW */, double sinr, uint8_t /* componentCarrierId */)
{
    if (sinr > 0.0)
    {
        estimator->RecordSnr(peer, 10.0 * std::log10(sinr));
    }
}

} // namespace

TypeId
FedMoeChannelEstimator::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::FedMoeChannelEstimator")
              .SetParent<Object>()
              .SetGroupName("FedMoe")
              .AddConstructor<FedMoeChannelEstimator>()
              .AddAttribute("Smoothing",
                            "EWMA weight of a new sample, in (0, 1] (1: last sample only).",
                            DoubleValue(0.3),
                            MakeDoubleAccessor(&FedMoeChannelEstimator::SetSmoothing,
                                               &FedMoeChannelEstimator::GetSmoothing),
                            MakeDoubleChecker<double>())
              .AddTraceSource("Updated", "A peer's estimate changed.",
                              MakeTraceSourceAccessor(&FedMoeChannelEstimator::m_updated),
                              "ns3::FedMoeChannelEstimator::UpdatedCallback");
    return tid;
}

FedMoeChannelEstimator::FedMoeChannelEstimator()
    : m_smoothing(0.3)
{
    NS_LOG_FUNCTION(this);
}

FedMoeChannelEstimator::~FedMoeChannelEstimator()
{
    NS_LOG_FUNCTION(this);
}

void
FedMoeChannelEstimator::SetSmoothing(double alpha)
{
    if (!(alpha > 0.0 && alpha <= 1.0))
    {
        std::ostringstream os;
        os << "FedMoeChannelEstimator::Smoothing: invalid value " << alpha
           << " (allowed: a number in (0, 1])";
        throw std::invalid_argument(os.str());
    }
    m_smoothing = alpha;
}

double
FedMoeChannelEstimator::GetSmoothing() const
{
    return m_smoothing;
}

double
FedMoeChannelEstimator::Smooth(double estimate, double sample, uint32_t count) const
{
    return count == 0 ? sample : m_smoothing * sample + (1.0 - m_smoothing) * estimate;
}

void
FedMoeChannelEstimator::RecordTransfer(uint32_t peer, uint64_t bytes, Time duration)
{
    NS_LOG_FUNCTION(this << peer << bytes << duration);
    if (bytes == 0 || !duration.IsStrictlyPositive())
    {
        std::ostringstream os;
        os << "FedMoeChannelEstimator::RecordTransfer: peer " << peer << ": invalid sample of "
           << bytes << " bytes in " << duration.GetSeconds()
           << " s (allowed: bytes > 0, duration > 0)";
        throw std::invalid_argument(os.str());
    }
    FedMoeChannelEstimate& e = m_peers[peer];
    const double sample = bytes * 8.0 / duration.GetSeconds();
    e.goodputBps = Smooth(e.goodputBps, sample, e.transferSamples);
    ++e.transferSamples;
    m_updated(peer, e);
}

void
FedMoeChannelEstimator::RecordRtt(uint32_t peer, Time rtt)
{
    NS_LOG_FUNCTION(this << peer << rtt);
    if (!rtt.IsStrictlyPositive())
    {
        std::ostringstream os;
        os << "FedMoeChannelEstimator::RecordRtt: peer " << peer << ": invalid RTT "
           << rtt.GetSeconds() << " s (allowed: > 0)";
        throw std::invalid_argument(os.str());
    }
    FedMoeChannelEstimate& e = m_peers[peer];
    e.rtt = Seconds(Smooth(e.rtt.GetSeconds(), rtt.GetSeconds(), e.rttSamples));
    ++e.rttSamples;
    m_updated(peer, e);
}

void
FedMoeChannelEstimator::RecordSnr(uint32_t peer, double snrDb)
{
    if (!std::isfinite(snrDb))
    {
        // A PHY can report -inf noise-free power in corner cases; such a
        // sample says nothing about the link.
        NS_LOG_DEBUG("peer " << peer << ": ignoring non-finite SNR " << snrDb);
        return;
    }
    FedMoeChannelEstimate& e = m_peers[peer];
    e.snrDb = Smooth(e.snrDb, snrDb, e.snrSamples);
    ++e.snrSamples;
    m_updated(peer, e);
}

void
FedMoeChannelEstimator::ConnectWifiPhy(uint32_t peer, Ptr<WifiPhy> phy, Mac48Address transmitter)
{
    if (!phy)
    {
        throw std::invalid_argument("FedMoeChannelEstimator::ConnectWifiPhy: null PHY for peer "
                                    + std::to_string(peer));
    }
    phy->TraceConnectWithoutContext(
        "MonitorSnifferRx",
        MakeBoundCallback(&SnifferSink, Ptr<FedMoeChannelEstimator>(this), peer, transmitter));
}

void
FedMoeChannelEstimator::ConnectLteUePhy(uint32_t peer, Ptr<LteUePhy> phy)
{
    if (!phy)
    {
        throw std::invalid_argument("FedMoeChannelEstimator::ConnectLteUePhy: null PHY for peer "
                                    + std::to_string(peer));
    }
    phy->TraceConnectWithoutContext(
        "ReportCurrentCellRsrpSinr",
        MakeBoundCallback(&LteSinrSink, Ptr<FedMoeChannelEstimator>(this), peer));
}

FedMoeChannelEstimate
FedMoeChannelEstimator::GetEstimate(uint32_t peer) const
{
    auto it = m_peers.find(peer);
    return it == m_peers.end() ? FedMoeChannelEstimate() : it->second;
}

bool
FedMoeChannelEstimator::HasPeer(uint32_t peer) const
{
    return m_peers.count(peer) > 0;
}

void
FedMoeChannelEstimator::Clear()
{
    m_peers.clear();
}

} // namespace ns3
