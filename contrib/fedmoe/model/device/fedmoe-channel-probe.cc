// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeChannelProbe: timed BulkSend -> PacketSink transfers feeding a FedMoeChannelEstimator.
 */

#include "fedmoe-channel-probe.h"

#include "ns3/boolean.h"
#include "ns3/bulk-send-application.h"
#include "ns3/bulk-send-helper.h"
#include "ns3/inet-socket-address.h"
#include "ns3/log.h"
#include "ns3/packet-sink-helper.h"
#include "ns3/simulator.h"
#include "ns3/socket.h"
#include "ns3/uinteger.h"

#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeChannelProbe");

NS_OBJECT_ENSURE_REGISTERED(FedMoeChannelProbe);

TypeId
FedMoeChannelProbe::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::FedMoeChannelProbe")
              .SetParent<Object>()
              .SetGroupName("FedMoe")
              .AddConstructor<FedMoeChannelProbe>()
              .AddAttribute("PayloadBytes", "Bytes per transfer (>= 1).", UintegerValue(1000000),
                            MakeUintegerAccessor(&FedMoeChannelProbe::m_payloadBytes),
                            MakeUintegerChecker<uint64_t>(1))
              .AddAttribute("Transfers", "Transfers per client, one after another (>= 1).",
                            UintegerValue(1),
                            MakeUintegerAccessor(&FedMoeChannelProbe::m_transfers),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("BasePort", "Sink port of client 0; client i uses BasePort + i.",
                            UintegerValue(50000),
                            MakeUintegerAccessor(&FedMoeChannelProbe::m_basePort),
                            MakeUintegerChecker<uint16_t>(1))
              .AddAttribute(
                  "Sequential", "Clients upload one after another instead of all at once.",
                  BooleanValue(false), MakeBooleanAccessor(&FedMoeChannelProbe::m_sequential),
                  MakeBooleanChecker())
              .AddTraceSource("TransferDone", "A transfer's last byte reached the sink.",
                              MakeTraceSourceAccessor(&FedMoeChannelProbe::m_transferDone),
                              "ns3::FedMoeChannelProbe::TransferCallback");
    return tid;
}

FedMoeChannelProbe::FedMoeChannelProbe()
    : m_payloadBytes(1000000),
      m_transfers(1),
      m_basePort(50000),
      m_sequential(false)
{
    NS_LOG_FUNCTION(this);
}

FedMoeChannelProbe::~FedMoeChannelProbe()
{
    NS_LOG_FUNCTION(this);
}

void
FedMoeChannelProbe::DoDispose()
{
    m_clients.clear();
    m_estimator = nullptr;
    Object::DoDispose();
}

void
FedMoeChannelProbe::Install(Ptr<Node> server, NodeContainer clients,
                            std::vector<Ipv4Address> serverAddresses,
                            Ptr<FedMoeChannelEstimator> estimator, Time start)
{
    NS_LOG_FUNCTION(this << server << clients.GetN() << start);
    if (serverAddresses.size() != clients.GetN())
    {
        throw std::invalid_argument(
            "FedMoeChannelProbe::Install: " + std::to_string(serverAddresses.size())
            + " server addresses for " + std::to_string(clients.GetN()) + " clients");
    }
    if (uint32_t(m_basePort) + clients.GetN() > 65536)
    {
        throw std::invalid_argument(
            "FedMoeChannelProbe::Install: BasePort + clients exceeds 65535");
    }
    m_estimator = estimator;
    for (uint32_t i = 0; i < clients.GetN(); ++i)
    {
        Client c;
        c.node = clients.Get(i);
        c.server = serverAddresses[i];
        m_clients.push_back(c);
        PacketSinkHelper sink("ns3::TcpSocketFactory",
                              InetSocketAddress(Ipv4Address::GetAny(), m_basePort + i));
        auto app = sink.Install(server).Get(0);
        app->TraceConnectWithoutContext("Rx",
                                        MakeBoundCallback(&FedMoeChannelProbe::SinkRx, this, i));
        if (!m_sequential || i == 0)
        {
            Simulator::Schedule(start, &FedMoeChannelProbe::StartTransfer, this, i);
        }
    }
}

void
FedMoeChannelProbe::StartTransfer(uint32_t i)
{
    Client& c = m_clients[i];
    BulkSendHelper bulk("ns3::TcpSocketFactory", InetSocketAddress(c.server, m_basePort + i));
    bulk.SetAttribute("MaxBytes", UintegerValue(m_payloadBytes));
    // Installed now, the application starts at once (Node::AddApplication
    // schedules its initialisation at the current time).
    auto app = bulk.Install(c.node).Get(0);
    c.started = Simulator::Now();
    c.minRtt = Time();
    // The socket exists once the application has started; the first RTT
    // sample needs a full round trip, so looking 1 us later misses none.
    Simulator::Schedule(MicroSeconds(1), &FedMoeChannelProbe::WatchRtt, this, i, app);
    NS_LOG_DEBUG("client " << i << ": transfer " << c.completed << " starts");
}

void
FedMoeChannelProbe::WatchRtt(uint32_t i, Ptr<Application> app)
{
    auto socket = DynamicCast<BulkSendApplication>(app)->GetSocket();
    if (socket)
    {
        socket->TraceConnectWithoutContext(
            "RTT", MakeBoundCallback(&FedMoeChannelProbe::RttSample, this, i));
    }
}

void
FedMoeChannelProbe::RttSample(FedMoeChannelProbe* probe, uint32_t i, Time /* oldRtt */, Time newRtt)
{
    Client& c = probe->m_clients[i];
    if (newRtt.IsStrictlyPositive() && (c.minRtt.IsZero() || newRtt < c.minRtt))
    {
        c.minRtt = newRtt;
    }
}

void
FedMoeChannelProbe::SinkRx(FedMoeChannelProbe* probe, uint32_t i, Ptr<const Packet> p,
                           const Address& /* from */)
{
    Client& c = probe->m_clients[i];
    c.received += p->GetSize();
    if (c.received < (c.completed + 1) * probe->m_payloadBytes)
    {
        return;
    }
    const Time duration = Simulator::Now() - c.started;
    c.durations.push_back(duration);
    ++c.completed;
    if (c.minRtt.IsStrictlyPositive() && (c.overallMinRtt.IsZero() || c.minRtt < c.overallMinRtt))
    {
        c.overallMinRtt = c.minRtt;
    }
    NS_LOG_INFO("client " << i << ": " << probe->m_payloadBytes << " B in " << duration.As(Time::S)
                          << ", min RTT " << c.minRtt.As(Time::MS));
    if (probe->m_estimator)
    {
        probe->m_estimator->RecordTransfer(i, probe->m_payloadBytes, duration);
        if (c.minRtt.IsStrictlyPositive())
        {
            probe->m_estimator->RecordRtt(i, c.minRtt);
        }
    }
    probe->m_transferDone(i, probe->m_payloadBytes, duration);
    if (c.completed < probe->m_transfers)
    {
        probe->StartTransfer(i);
    }
    else if (probe->m_sequential && i + 1 < probe->m_clients.size())
    {
        probe->StartTransfer(i + 1);
    }
}

uint32_t
FedMoeChannelProbe::GetCompleted(uint32_t i) const
{
    return m_clients.at(i).completed;
}

std::vector<Time>
FedMoeChannelProbe::GetDurations(uint32_t i) const
{
    return m_clients.at(i).durations;
}

Time
FedMoeChannelProbe::GetMinRtt(uint32_t i) const
{
    return m_clients.at(i).overallMinRtt;
}

bool
FedMoeChannelProbe::AllComplete() const
{
    for (const auto& c : m_clients)
    {
        if (c.completed < m_transfers)
        {
            return false;
        }
    }
    return true;
}

} // namespace ns3
