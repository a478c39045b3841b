// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeClientApplication: HELLO, then per ASSIGN: train (through the
 * executor), wait the compute time, upload the UPDATE.
 */

#include "fedmoe-client-application.h"

#include "fedmoe-tcp-client-transport.h"
#include "fedmoe-wall-timer.h"
#include "fedmoe-wire-size-tag.h"

#include "ns3/boolean.h"
#include "ns3/inet-socket-address.h"
#include "ns3/ipv4-address.h"
#include "ns3/log.h"
#include "ns3/node.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/uinteger.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeClientApplication");

NS_OBJECT_ENSURE_REGISTERED(FedMoeClientApplication);

TypeId
FedMoeClientApplication::GetTypeId()
{
    static TypeId tid
        = TypeId("ns3::FedMoeClientApplication")
              .SetParent<Application>()
              .SetGroupName("FedMoe")
              .AddConstructor<FedMoeClientApplication>()
              .AddAttribute(
                  "ClientId", "The client's id (its shard, its row in the server's records).",
                  UintegerValue(0), MakeUintegerAccessor(&FedMoeClientApplication::m_clientId),
                  MakeUintegerChecker<uint32_t>())
              .AddAttribute("Remote",
                            "The server's address (an Ipv4Address or an InetSocketAddress).",
                            AddressValue(), MakeAddressAccessor(&FedMoeClientApplication::m_remote),
                            MakeAddressChecker())
              .AddAttribute("Port", "The server's TCP port (when Remote is a bare address).",
                            UintegerValue(7100),
                            MakeUintegerAccessor(&FedMoeClientApplication::m_port),
                            MakeUintegerChecker<uint16_t>())
              .AddAttribute("MaxPayload",
                            "Largest message payload accepted from the server, bytes.",
                            UintegerValue(256u << 20),
                            MakeUintegerAccessor(&FedMoeClientApplication::m_maxPayload),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("RetryInterval",
                            "Time between connection attempts while the server does not answer.",
                            TimeValue(Seconds(1)),
                            MakeTimeAccessor(&FedMoeClientApplication::m_retryInterval),
                            MakeTimeChecker(MilliSeconds(1)))
              .AddAttribute("UseAvailability",
                            "Whether the device is offline for a round with probability "
                            "1 - its profile's Availability.",
                            BooleanValue(true),
                            MakeBooleanAccessor(&FedMoeClientApplication::m_useAvailability),
                            MakeBooleanChecker())
              .AddAttribute("GiveUpPastDeadline",
                            "Skip the upload when local training ends after the round deadline "
                            "(the server would drop it anyway; the channel stays free).",
                            BooleanValue(true),
                            MakeBooleanAccessor(&FedMoeClientApplication::m_giveUpPastDeadline),
                            MakeBooleanChecker())
              .AddAttribute("ExpertWireBytes",
                            "Declared size of an expert on the wire, bytes (0: its real size); "
                            "the server's FedMoeRoundOptions::ExpertWireBytes.",
                            UintegerValue(0),
                            MakeUintegerAccessor(&FedMoeClientApplication::m_expertWireBytes),
                            MakeUintegerChecker<uint64_t>())
              .AddAttribute("GateWireBytes",
                            "Declared size of the gate on the wire, bytes (0: its real size).",
                            UintegerValue(0),
                            MakeUintegerAccessor(&FedMoeClientApplication::m_gateWireBytes),
                            MakeUintegerChecker<uint64_t>())
              .AddAttribute("Transport",
                            "How the server is reached (null: FedMoeTcpClientTransport, "
                            "packet level).",
                            PointerValue(),
                            MakePointerAccessor(&FedMoeClientApplication::m_transport),
                            MakePointerChecker<FedMoeClientTransport>())
              .AddAttribute("ComputeModel",
                            "Turns the FLOPs of local training into simulated time "
                            "(null: training takes no simulated time).",
                            PointerValue(),
                            MakePointerAccessor(&FedMoeClientApplication::m_computeModel),
                            MakePointerChecker<FedMoeComputeModel>())
              .AddTraceSource("AssignReceived", "An ASSIGN was read: round, client, payload bytes.",
                              MakeTraceSourceAccessor(&FedMoeClientApplication::m_assignReceived),
                              "ns3::FedMoeClientApplication::MessageCallback")
              .AddTraceSource("UpdateSent",
                              "An UPDATE was handed to TCP: round, client, payload bytes.",
                              MakeTraceSourceAccessor(&FedMoeClientApplication::m_updateSent),
                              "ns3::FedMoeClientApplication::MessageCallback")
              .AddTraceSource("Offline",
                              "The device was offline for a round and ignored its ASSIGN.",
                              MakeTraceSourceAccessor(&FedMoeClientApplication::m_offline),
                              "ns3::FedMoeClientApplication::RoundCallback")
              .AddTraceSource("DeadlineMissed",
                              "The ASSIGN came, or training would end, after the round deadline.",
                              MakeTraceSourceAccessor(&FedMoeClientApplication::m_deadlineMissed),
                              "ns3::FedMoeClientApplication::RoundCallback")
              .AddTraceSource("MessageRejected",
                              "A message from the server was rejected: round, client, reason, "
                              "detail.",
                              MakeTraceSourceAccessor(&FedMoeClientApplication::m_messageRejected),
                              "ns3::FedMoeClientApplication::RejectedCallback");
    return tid;
}

FedMoeClientApplication::FedMoeClientApplication()
    : m_clientId(0),
      m_port(7100),
      m_maxPayload(256u << 20),
      m_useAvailability(true),
      m_giveUpPastDeadline(true),
      m_availabilityRng(CreateObject<UniformRandomVariable>())
{
    NS_LOG_FUNCTION(this);
}

FedMoeClientApplication::~FedMoeClientApplication()
{
    NS_LOG_FUNCTION(this);
}

void
FedMoeClientApplication::DoDispose()
{
    // At Simulator::Destroy the node's devices may be gone already (an LTE UE's
    // NAS is): release the socket without sending anything (no FIN, no RST).
    Close(false);
    if (m_transport)
    {
        m_transport->Dispose();
    }
    m_transport = nullptr;
    m_computeModel = nullptr;
    m_availabilityRng = nullptr;
    m_executor = nullptr;
    m_profile = nullptr;
    m_shard.clear();
    Application::DoDispose();
}

void
FedMoeClientApplication::SetExecutor(Ptr<FedMoeTrainingExecutor> executor)
{
    m_executor = executor;
}

void
FedMoeClientApplication::SetShard(std::vector<int64_t> shard)
{
    m_shard = std::move(shard);
}

const std::vector<int64_t>&
FedMoeClientApplication::GetShard() const
{
    return m_shard;
}

uint32_t
FedMoeClientApplication::GetClientId() const
{
    return m_clientId;
}

Ptr<FedMoeDeviceProfile>
FedMoeClientApplication::GetProfile() const
{
    if (m_profile)
    {
        return m_profile;
    }
    Ptr<Node> node = GetNode();
    return node ? node->GetObject<FedMoeDeviceProfile>() : nullptr;
}

Ptr<FedMoeClientTransport>
FedMoeClientApplication::GetTransport() const
{
    return m_transport;
}

double
FedMoeClientApplication::GetSerialisationWallSeconds() const
{
    return m_wallSerialisation;
}

uint32_t
FedMoeClientApplication::GetUpdatesSent() const
{
    return m_updatesSent;
}

uint32_t
FedMoeClientApplication::GetRoundsOffline() const
{
    return m_roundsOffline;
}

uint32_t
FedMoeClientApplication::GetRejectedCount() const
{
    return m_rejected;
}

int64_t
FedMoeClientApplication::AssignStreams(int64_t stream)
{
    m_availabilityRng->SetStream(stream);
    int64_t used = 1;
    if (m_computeModel)
    {
        used += m_computeModel->AssignStreams(stream + used);
    }
    return used;
}

void
FedMoeClientApplication::StartApplication()
{
    NS_LOG_FUNCTION(this);
    m_profile = GetNode()->GetObject<FedMoeDeviceProfile>();
    if (!m_profile)
    {
        NS_LOG_WARN("client " << m_clientId
                              << ": no FedMoeDeviceProfile on its node; reporting the default one");
        m_profile = CreateObject<FedMoeDeviceProfile>();
    }
    if (!m_executor)
    {
        NS_FATAL_ERROR("FedMoeClientApplication " << m_clientId
                                                  << ": no training executor (SetExecutor)");
    }
    if (!m_transport)
    {
        m_transport = CreateObject<FedMoeTcpClientTransport>();
    }
    using A = FedMoeClientApplication;
    m_transport->SetCallbacks(
        MakeCallback(&A::ConnectionSucceeded, this), MakeCallback(&A::ConnectionFailed, this),
        MakeCallback(&A::PeerClosed, this), MakeCallback(&A::ConnectionLost, this),
        MakeCallback(&A::HandleMessage, this), MakeCallback(&A::HandleRejected, this));
    Connect();
}

void
FedMoeClientApplication::StopApplication()
{
    NS_LOG_FUNCTION(this);
    Close(true);
}

void
FedMoeClientApplication::Close(bool orderly)
{
    Simulator::Cancel(m_retryEvent);
    Simulator::Cancel(m_updateEvent);
    if (m_transport && m_connected)
    {
        m_transport->Close(orderly);
    }
    m_connected = false;
}

void
FedMoeClientApplication::Connect()
{
    NS_LOG_FUNCTION(this);
    Address to = m_remote;
    if (Ipv4Address::IsMatchingType(m_remote))
    {
        to = InetSocketAddress(Ipv4Address::ConvertFrom(m_remote), m_port);
    }
    // Connecting counts as holding the connection: Close lets go of it.
    m_connected = true;
    m_transport->Connect(GetNode(), to, m_maxPayload);
}

void
FedMoeClientApplication::ConnectionSucceeded()
{
    NS_LOG_FUNCTION(this);
    m_connected = true;
    FedMoeHello hello;
    hello.tier = m_profile->GetTier();
    hello.capacity = m_profile->GetCapacity();
    m_transport->Send(FedMoeMessageFramer::Encode(FedMoeMessageType::HELLO, 0, m_clientId,
                                                  FedMoePayload::Encode(hello)));
    NS_LOG_INFO("client " << m_clientId << ": connected, HELLO sent");
}

void
FedMoeClientApplication::ConnectionFailed()
{
    NS_LOG_FUNCTION(this);
    // The transport has let go of the connection already.
    m_connected = false;
    NS_LOG_INFO("client " << m_clientId << ": connection failed; retrying in "
                          << m_retryInterval.As(Time::S));
    Close();
    m_retryEvent = Simulator::Schedule(m_retryInterval, &FedMoeClientApplication::Connect, this);
}

void
FedMoeClientApplication::PeerClosed()
{
    NS_LOG_FUNCTION(this);
    m_connected = false;
    NS_LOG_INFO("client " << m_clientId << ": the server closed the connection");
    Close();
}

void
FedMoeClientApplication::ConnectionLost()
{
    NS_LOG_FUNCTION(this);
    m_connected = false;
    NS_LOG_INFO("client " << m_clientId << ": connection lost; reconnecting in "
                          << m_retryInterval.As(Time::S));
    ++m_reconnects;
    Close();
    m_retryEvent = Simulator::Schedule(m_retryInterval, &FedMoeClientApplication::Connect, this);
}

uint32_t
FedMoeClientApplication::GetReconnectCount() const
{
    return m_reconnects;
}

void
FedMoeClientApplication::Reject(uint32_t round, FedMoeRejection reason, const std::string& detail)
{
    ++m_rejected;
    NS_LOG_WARN("client " << m_clientId << ": rejected a message (" << ToString(reason)
                          << "): " << detail);
    m_messageRejected(round, m_clientId, reason, detail);
}

void
FedMoeClientApplication::HandleRejected(const FedMoeHeader& header, FedMoeRejection reason,
                                        bool broken)
{
    Reject(header.GetRound(), reason, "bad message from the server");
    if (broken)
    {
        Close();
    }
}

void
FedMoeClientApplication::HandleMessage(const FedMoeMessage& message)
{
    NS_LOG_FUNCTION(this);
    if (message.header.GetMessageType() != FedMoeMessageType::ASSIGN)
    {
        Reject(message.header.GetRound(), FedMoeRejection::UNEXPECTED,
               "a " + ToString(message.header.GetMessageType())
                   + " from the server (only ASSIGN is expected)");
        return;
    }
    HandleAssign(message);
}

void
FedMoeClientApplication::HandleAssign(const FedMoeMessage& message)
{
    const uint32_t round = message.header.GetRound();
    if (message.header.GetClientId() != m_clientId)
    {
        Reject(round, FedMoeRejection::UNEXPECTED,
               "an ASSIGN for client " + std::to_string(message.header.GetClientId()));
        return;
    }
    if (round <= m_lastRound)
    {
        Reject(round, FedMoeRejection::UNEXPECTED,
               "an ASSIGN for round " + std::to_string(round) + " after round "
                   + std::to_string(m_lastRound));
        return;
    }
    FedMoeAssign assign;
    std::string error;
    {
        FedMoeWallTimer timer(m_wallSerialisation);
        error = FedMoePayload::Decode(message.payload, assign);
    }
    if (!error.empty())
    {
        Reject(round, FedMoeRejection::BAD_PAYLOAD, error);
        return;
    }
    m_lastRound = round;
    // The server has moved on: work on an older round is abandoned.
    Simulator::Cancel(m_updateEvent);
    m_assignReceived(round, m_clientId, message.payload);
    const Time deadline = Seconds(assign.deadlineSeconds);
    if (Simulator::Now() >= deadline)
    {
        NS_LOG_INFO("client " << m_clientId << ": ASSIGN of round " << round
                              << " arrived after its deadline");
        m_deadlineMissed(round, m_clientId);
        return;
    }
    if (m_useAvailability && m_availabilityRng->GetValue() >= m_profile->GetAvailability())
    {
        NS_LOG_INFO("client " << m_clientId << ": offline in round " << round);
        ++m_roundsOffline;
        m_offline(round, m_clientId);
        return;
    }
    const fedmoe::learning::TrainResult result
        = m_executor->Take(round, m_clientId, message.payload, assign, m_shard);
    if (!result.error.empty())
    {
        Reject(round, FedMoeRejection::BAD_PAYLOAD, "local training failed: " + result.error);
        return;
    }
    const Time computeTime
        = m_computeModel ? m_computeModel->GetComputeTime(m_profile, result.flops) : Time(0);
    if (m_giveUpPastDeadline && Simulator::Now() + computeTime >= deadline)
    {
        NS_LOG_INFO("client " << m_clientId << ": training of round " << round << " ends at "
                              << (Simulator::Now() + computeTime).As(Time::S)
                              << ", past the deadline; not uploading");
        m_deadlineMissed(round, m_clientId);
        return;
    }
    FedMoeBytes payload;
    int64_t wireDelta = 0;
    {
        FedMoeWallTimer timer(m_wallSerialisation);
        const FedMoeUpdate update = FedMoeJobMessages::ToUpdate(result);
        std::vector<uint64_t> sizes;
        for (const auto& bytes : update.expertParams)
        {
            sizes.push_back(bytes.size());
        }
        wireDelta = FedMoeWireSizeTag::Delta(update.gate.size(), sizes, m_gateWireBytes,
                                             m_expertWireBytes);
        payload = FedMoePayload::Encode(update);
    }
    m_updateEvent = Simulator::Schedule(computeTime, &FedMoeClientApplication::SendUpdate, this,
                                        round, std::move(payload), wireDelta, computeTime);
}

void
FedMoeClientApplication::SendUpdate(uint32_t round, FedMoeBytes payload, int64_t wireDelta,
                                    Time computeTime)
{
    NS_LOG_FUNCTION(this << round << computeTime);
    if (!m_connected)
    {
        return;
    }
    Ptr<Packet> packet;
    {
        FedMoeWallTimer timer(m_wallSerialisation);
        packet = FedMoeMessageFramer::Encode(FedMoeMessageType::UPDATE, round, m_clientId, payload);
    }
    FedMoeWireSizeTag::Declare(packet, packet->GetSize() + wireDelta);
    m_transport->Send(packet);
    ++m_updatesSent;
    m_updateSent(round, m_clientId, payload);
    NS_LOG_INFO("client " << m_clientId << ": UPDATE of round " << round << " (" << payload.size()
                          << " B) after " << computeTime.As(Time::S) << " of compute");
}

} // namespace ns3
