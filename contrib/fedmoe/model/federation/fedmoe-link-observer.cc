// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeLinkObserver: protocol events -> channel estimators -> scoreboard.
 */

#include "fedmoe-link-observer.h"

#include "ns3/callback.h"
#include "ns3/simulator.h"

namespace ns3
{

namespace
{

/// The scoreboard's copy of an estimate, stamped now.
FedMoeLinkObservation
ToObservation(const FedMoeChannelEstimate& e)
{
    FedMoeLinkObservation o;
    o.goodputBps = e.goodputBps;
    o.rttS = e.rtt.GetSeconds();
    o.snrDb = e.snrDb;
    o.transferSamples = e.transferSamples;
    o.rttSamples = e.rttSamples;
    o.snrSamples = e.snrSamples;
    o.observedAtS = Simulator::Now().GetSeconds();
    return o;
}

} // namespace

FedMoeLinkObserver::FedMoeLinkObserver(FedMoeClientScoreboard& scoreboard)
    : m_scoreboard(scoreboard),
      m_uplink(CreateObject<FedMoeChannelEstimator>()),
      m_downlink(CreateObject<FedMoeChannelEstimator>())
{
    m_uplink->TraceConnectWithoutContext("Updated",
                                         MakeCallback(&FedMoeLinkObserver::UplinkUpdated, this));
    m_downlink->TraceConnectWithoutContext(
        "Updated", MakeCallback(&FedMoeLinkObserver::DownlinkUpdated, this));
}

FedMoeLinkObserver::~FedMoeLinkObserver()
{
    // A radio trace may still hold the uplink estimator: it must not call back.
    m_uplink->TraceDisconnectWithoutContext("Updated",
                                            MakeCallback(&FedMoeLinkObserver::UplinkUpdated, this));
    m_downlink->TraceDisconnectWithoutContext(
        "Updated", MakeCallback(&FedMoeLinkObserver::DownlinkUpdated, this));
}

Ptr<FedMoeChannelEstimator>
FedMoeLinkObserver::GetUplinkEstimator() const
{
    return m_uplink;
}

void
FedMoeLinkObserver::SetComputeSmoothing(double smoothing)
{
    m_computeSmoothing = smoothing;
}

void
FedMoeLinkObserver::AssignQueued(uint32_t client, uint32_t round, uint64_t bytes, double flops)
{
    InFlight a;
    a.round = round;
    a.queued = Simulator::Now();
    a.bytes = bytes;
    a.flops = flops;
    m_assigns[client] = a;
}

void
FedMoeLinkObserver::AssignDelivered(uint32_t client, uint32_t round)
{
    auto a = m_assigns.find(client);
    if (a == m_assigns.end() || a->second.round != round || a->second.delivered)
    {
        return;
    }
    a->second.delivered = true;
    a->second.deliveredAt = Simulator::Now();
    const Time duration = Simulator::Now() - a->second.queued;
    if (duration.IsStrictlyPositive() && !a->second.shared)
    {
        m_downlink->RecordTransfer(client, a->second.bytes, duration);
    }
}

void
FedMoeLinkObserver::UplinkBytes(uint32_t client)
{
    auto a = m_assigns.find(client);
    if (a != m_assigns.end() && !a->second.delivered)
    {
        a->second.shared = true;
    }
}

void
FedMoeLinkObserver::UpdateArrived(uint32_t client, uint32_t round, uint64_t bytes, Time transfer)
{
    if (transfer.IsStrictlyPositive())
    {
        m_uplink->RecordTransfer(client, bytes, transfer);
    }
    auto a = m_assigns.find(client);
    if (a == m_assigns.end() || a->second.round != round || !a->second.delivered)
    {
        return;
    }
    // The client starts on the ASSIGN's last byte and sends the UPDATE's first
    // when done; the one-way delays of the delivery's ACK and of that first
    // byte cancel out.
    const Time compute = Simulator::Now() - Max(transfer, Time(0)) - a->second.deliveredAt;
    if (compute.IsStrictlyPositive() && a->second.flops > 0 && !a->second.shared)
    {
        m_scoreboard.ObserveCompute(client, a->second.flops / compute.GetSeconds() / 1e9,
                                    Simulator::Now().GetSeconds(), m_computeSmoothing);
    }
    a->second.delivered = false; // one sample per job
}

void
FedMoeLinkObserver::RecordRtt(uint32_t client, Time rtt)
{
    m_uplink->RecordRtt(client, rtt);
}

void
FedMoeLinkObserver::UplinkUpdated(uint32_t client, const FedMoeChannelEstimate& estimate)
{
    m_scoreboard.ObserveUplink(client, ToObservation(estimate));
}

void
FedMoeLinkObserver::DownlinkUpdated(uint32_t client, const FedMoeChannelEstimate& estimate)
{
    m_scoreboard.ObserveDownlink(client, ToObservation(estimate));
}

} // namespace ns3
