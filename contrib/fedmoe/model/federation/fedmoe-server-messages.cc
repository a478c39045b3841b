// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeServerApplication: what arrives from the transport. HELLO admits a
 * client, UPDATE is observed (its bytes travelled, in time or not) and then
 * handed to the coordinator, bad bytes and misbehaving senders are rejected
 * and traced; closed links are forgotten.
 */

#include "fedmoe-server-application.h"

#include "ns3/log.h"
#include "ns3/simulator.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeServerMessages");

namespace learning = fedmoe::learning;

void
FedMoeServerApplication::HandleClosed(uint32_t link)
{
    auto it = m_links.find(link);
    if (it == m_links.end())
    {
        return;
    }
    auto c = m_clientLinks.find(it->second);
    if (c != m_clientLinks.end() && c->second == link)
    {
        m_scoreboard.SetConnected(it->second, false);
        m_clientLinks.erase(c);
        NS_LOG_INFO("client " << it->second << " disconnected");
    }
    m_links.erase(it);
}

void
FedMoeServerApplication::Forget(uint32_t link)
{
    HandleClosed(link);
    m_transport->Close(link);
}

void
FedMoeServerApplication::Reject(uint32_t round, uint32_t client, FedMoeRejection reason,
                                const std::string& detail)
{
    ++m_rejected;
    NS_LOG_WARN("rejected a message (round " << round << ", client " << client << ", "
                                             << ToString(reason) << "): " << detail);
    m_messageRejected(round, client, reason, detail);
}

bool
FedMoeServerApplication::RoundOpen() const
{
    return !m_finished && m_coordinator && m_coordinator->IsOpen();
}

void
FedMoeServerApplication::HandleBytes(uint32_t link, uint64_t bytes)
{
    auto sender = m_links.find(link);
    if (sender != m_links.end())
    {
        m_observer.UplinkBytes(sender->second);
    }
    if (RoundOpen())
    {
        m_roundBytesUp += bytes;
    }
}

void
FedMoeServerApplication::HandleRejected(uint32_t link, const FedMoeHeader& header,
                                        FedMoeRejection reason)
{
    auto it = m_links.find(link);
    Reject(header.GetRound(), header.GetClientId(), reason,
           "from "
               + (it != m_links.end() ? "client " + std::to_string(it->second)
                                      : std::string("a connection without HELLO")));
}

void
FedMoeServerApplication::HandleMessage(uint32_t link, const FedMoeMessage& message, Time transfer)
{
    const FedMoeHeader& h = message.header;
    if (h.GetMessageType() == FedMoeMessageType::HELLO)
    {
        HandleHello(link, message);
    }
    else if (h.GetMessageType() == FedMoeMessageType::UPDATE)
    {
        HandleUpdate(link, message, transfer);
    }
    else
    {
        Reject(h.GetRound(), h.GetClientId(), FedMoeRejection::UNEXPECTED,
               "a " + ToString(h.GetMessageType()) + " from a client");
    }
}

void
FedMoeServerApplication::HandleHello(uint32_t link, const FedMoeMessage& message)
{
    const uint32_t client = message.header.GetClientId();
    const uint32_t round = message.header.GetRound();
    if (m_links.count(link))
    {
        Reject(round, client, FedMoeRejection::UNEXPECTED, "a second HELLO on one connection");
        return;
    }
    FedMoeHello hello;
    const std::string error = FedMoePayload::Decode(message.payload, hello);
    if (!error.empty())
    {
        Reject(round, client, FedMoeRejection::BAD_PAYLOAD, error);
        return;
    }
    const FedMoeAdmission admission
        = m_scoreboard.Admit(client, hello.tier, hello.capacity, m_maxClients);
    if (!admission.admitted)
    {
        Reject(round, client,
               admission.malformed ? FedMoeRejection::BAD_PAYLOAD : FedMoeRejection::UNEXPECTED,
               admission.detail);
        return;
    }
    auto old = m_clientLinks.find(client);
    if (old != m_clientLinks.end() && old->second != link)
    {
        // The client reconnected (its old connection broke on its side): the
        // new connection replaces the old one.
        NS_LOG_INFO("client " << client << " reconnected; closing its old connection");
        Forget(old->second);
        m_scoreboard.SetConnected(client, true);
    }
    m_links[link] = client;
    m_clientLinks[client] = link;
    NS_LOG_INFO("HELLO from client " << client << " (" << hello.tier << ")");
    if (!m_started && m_expectedClients > 0 && m_scoreboard.ConnectedCount() >= m_expectedClients)
    {
        Simulator::Cancel(m_startEvent);
        m_startEvent = Simulator::ScheduleNow(&FedMoeServerApplication::StartFirstRound, this);
    }
}

void
FedMoeServerApplication::HandleUpdate(uint32_t link, const FedMoeMessage& message, Time transfer)
{
    const uint32_t client = message.header.GetClientId();
    const uint32_t round = message.header.GetRound();
    auto reject = [&](FedMoeRejection reason, const std::string& detail)
    {
        Reject(round, client, reason, detail);
    };
    auto sender = m_links.find(link);
    if (sender == m_links.end())
    {
        return reject(FedMoeRejection::UNEXPECTED, "an UPDATE before HELLO");
    }
    if (client != sender->second)
    {
        return reject(FedMoeRejection::UNEXPECTED,
                      "an UPDATE naming client " + std::to_string(client)
                          + " on the connection of client " + std::to_string(sender->second));
    }
    // The bytes travelled whatever becomes of them: what the link and the
    // device took is observed, in time or not.
    const uint64_t bytes = FedMoeHeader::SERIALIZED_SIZE + message.payload.size()
                           + (m_coordinator ? m_coordinator->GetWireDelta(client) : 0);
    m_observer.UpdateArrived(client, round, bytes, transfer);
    if (!RoundOpen() || round < m_coordinator->GetRound())
    {
        m_scoreboard.LateArrival(client, round, RoundOpen() ? m_coordinator->GetRound() : 0);
    }
    if (!RoundOpen())
    {
        return reject(FedMoeRejection::UNEXPECTED,
                      "an UPDATE for round " + std::to_string(round) + " (late: closed)");
    }
    learning::TrainResult result;
    const FedMoeUpdateCheck check = m_coordinator->Receive(
        round, client, message.payload, (Simulator::Now() - m_roundStart).GetSeconds(), result);
    if (!check.Ok())
    {
        m_roundUnusedBytesUp += bytes;
        return reject(check.verdict == FedMoeUpdateCheck::MALFORMED ? FedMoeRejection::BAD_PAYLOAD
                                                                    : FedMoeRejection::UNEXPECTED,
                      check.detail);
    }
    NS_LOG_INFO("round " << round << ": UPDATE from client " << client << " (" << bytes
                         << " B, upload " << transfer.As(Time::S) << ")");
    m_updateReceived(round, client, message.payload, result);
    if (m_coordinator->AllArrived())
    {
        Simulator::Cancel(m_deadlineEvent);
        m_deadlineEvent = Simulator::ScheduleNow(&FedMoeServerApplication::CloseRound, this);
    }
}

void
FedMoeServerApplication::AssignDelivered(uint32_t round, uint32_t client)
{
    m_observer.AssignDelivered(client, round);
}

} // namespace ns3
