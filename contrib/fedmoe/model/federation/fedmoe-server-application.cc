/*
 * FedMoeServerApplication: federated MoE rounds over TCP (participants,
 * assignment, ASSIGN, UPDATE, deadline, aggregation, scores, records).
 */

#include "fedmoe-server-application.h"

#include "fedmoe-wall-timer.h"

#include "ns3/boolean.h"
#include "ns3/double.h"
#include "ns3/inet-socket-address.h"
#include "ns3/log.h"
#include "ns3/participation-selector.h"
#include "ns3/pointer.h"
#include "ns3/rng-seed-manager.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/tcp-socket-factory.h"
#include "ns3/uinteger.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeServerApplication");

NS_OBJECT_ENSURE_REGISTERED(FedMoeServerApplication);

namespace learning = fedmoe::learning;
namespace sched = fedmoe::scheduling;

namespace
{

/// Text of an expert list, "{0,3}".
std::string
ListText(const std::vector<uint32_t>& v)
{
    std::string s = "{";
    for (std::size_t i = 0; i < v.size(); ++i)
    {
        s += (i ? "," : "") + std::to_string(v[i]);
    }
    return s + "}";
}

/// A 64-bit seed from an ns-3 stream.
uint64_t
DrawSeed(Ptr<UniformRandomVariable> rng)
{
    const uint64_t hi = rng->GetInteger(0, UINT32_MAX);
    const uint64_t lo = rng->GetInteger(0, UINT32_MAX);
    return (hi << 32) | lo;
}

} // namespace

TypeId
FedMoeServerApplication::GetTypeId()
{
    using S = FedMoeServerApplication;
    static TypeId tid
        = TypeId("ns3::FedMoeServerApplication")
              .SetParent<Application>()
              .SetGroupName("FedMoe")
              .AddConstructor<FedMoeServerApplication>()
              .AddAttribute("Rounds", "Federated rounds to run.", UintegerValue(10),
                            MakeUintegerAccessor(&S::m_rounds), MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("Policy",
                            "The alignment policy (null: channel-aware with default attributes).",
                            PointerValue(), MakePointerAccessor(&S::m_policy),
                            MakePointerChecker<FedMoeAlignmentPolicy>())
              .AddAttribute("RoundDeadline",
                            "Time from a round's start by which UPDATEs must have arrived; "
                            "later ones are dropped.",
                            TimeValue(Seconds(60)), MakeTimeAccessor(&S::m_deadline),
                            MakeTimeChecker(MilliSeconds(1)))
              .AddAttribute("Participation",
                            "Share of the connected clients picked each round, in (0, 1].",
                            DoubleValue(1.0), MakeDoubleAccessor(&S::m_participation),
                            MakeDoubleChecker<double>(1e-9, 1.0))
              .AddAttribute("MinParticipants",
                            "Fewest participants per round (when that many are connected).",
                            UintegerValue(1), MakeUintegerAccessor(&S::m_minParticipants),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("LocalSteps",
                            "Local optimisation steps (batches) per client and round.",
                            UintegerValue(20), MakeUintegerAccessor(&S::m_localSteps),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("EvaluationInterval",
                            "Evaluate the global model every this many rounds (and after the "
                            "last).",
                            UintegerValue(1), MakeUintegerAccessor(&S::m_evaluationInterval),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("TargetAccuracy",
                            "Test accuracy whose first crossing is recorded (rounds_to_target, "
                            "time_to_target_s), in [0, 1]; 0: none.",
                            DoubleValue(0.0), MakeDoubleAccessor(&S::m_targetAccuracy),
                            MakeDoubleChecker<double>(0.0, 1.0))
              .AddAttribute("StopAtTarget", "End the run when TargetAccuracy is reached.",
                            BooleanValue(false), MakeBooleanAccessor(&S::m_stopAtTarget),
                            MakeBooleanChecker())
              .AddAttribute("OutputDirectory",
                            "Where rounds.csv, assignments.csv, clients.csv and summary.json go "
                            "(empty: no files).",
                            StringValue(""), MakeStringAccessor(&S::m_outDir), MakeStringChecker())
              .AddAttribute("MaxPayload", "Largest message payload accepted from a client, bytes.",
                            UintegerValue(256u << 20), MakeUintegerAccessor(&S::m_maxPayload),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("AggregationGate",
                            "How the gate is merged: \"all\" (every participant) or \"assigned\" "
                            "(gate row e over the clients assigned e).",
                            StringValue("all"), MakeStringAccessor(&S::m_aggregationGate),
                            MakeStringChecker())
              .AddAttribute("AggregationRule",
                            "How expert updates are merged: \"mean\" (FedAvg weighted by routed "
                            "samples), \"median\" or \"trimmed-mean\".",
                            StringValue("mean"), MakeStringAccessor(&S::m_aggregationRule),
                            MakeStringChecker())
              .AddAttribute("TrimFraction",
                            "Share cut from each end by \"trimmed-mean\", in [0, 0.5).",
                            DoubleValue(0.2), MakeDoubleAccessor(&S::m_trimFraction),
                            MakeDoubleChecker<double>(0.0, 0.5))
              .AddAttribute("MaxExpertsPerClient",
                            "Most experts a client trains per round (0: its memory decides).",
                            UintegerValue(2), MakeUintegerAccessor(&S::m_maxExpertsPerClient),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("MinTrainersPerExpert",
                            "Trainers each expert should get when capacity allows.",
                            UintegerValue(1), MakeUintegerAccessor(&S::m_minTrainersPerExpert),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("MaxTrainersPerExpert", "Most trainers per expert (0: unlimited).",
                            UintegerValue(0), MakeUintegerAccessor(&S::m_maxTrainersPerExpert),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("FitnessSmoothing", "EMA weight of a new fitness reward, (0, 1].",
                            DoubleValue(sched::FitnessParameters().smoothing),
                            MakeDoubleAccessor(&S::SetFitnessSmoothing, &S::GetFitnessSmoothing),
                            MakeDoubleChecker<double>(0.0, 1.0))
              .AddAttribute("FitnessDecay",
                            "Share of the gap to the prior an untrained pair closes per round.",
                            DoubleValue(sched::FitnessParameters().decay),
                            MakeDoubleAccessor(&S::SetFitnessDecay, &S::GetFitnessDecay),
                            MakeDoubleChecker<double>(0.0, 1.0))
              .AddAttribute("FitnessLossWeight",
                            "Weight of the loss term in the fitness reward (the rest is the "
                            "routing share), [0, 1].",
                            DoubleValue(sched::FitnessParameters().lossWeight),
                            MakeDoubleAccessor(&S::SetFitnessLossWeight, &S::GetFitnessLossWeight),
                            MakeDoubleChecker<double>(0.0, 1.0))
              .AddAttribute("UsageDecay",
                            "EMA weight of a round's load in the usage score, (0, 1] "
                            "(the window is about 1/UsageDecay rounds).",
                            DoubleValue(sched::UsageParameters().smoothing),
                            MakeDoubleAccessor(&S::SetUsageDecay, &S::GetUsageDecay),
                            MakeDoubleChecker<double>(0.0, 1.0))
              .AddAttribute("CompletionSmoothing",
                            "EMA weight of a round's observed/predicted time ratio per client.",
                            DoubleValue(0.3), MakeDoubleAccessor(&S::m_completionSmoothing),
                            MakeDoubleChecker<double>(1e-9, 1.0))
              .AddAttribute("Port", "TCP port the server listens on.", UintegerValue(7100),
                            MakeUintegerAccessor(&S::m_port), MakeUintegerChecker<uint16_t>())
              .AddAttribute("ExpectedClients",
                            "Start the first round as soon as this many clients said HELLO "
                            "(0: wait for HelloTimeout).",
                            UintegerValue(0), MakeUintegerAccessor(&S::m_expectedClients),
                            MakeUintegerChecker<uint32_t>())
              .AddAttribute("HelloTimeout",
                            "Start the first round this long after the start with the clients "
                            "that said HELLO.",
                            TimeValue(Seconds(10)), MakeTimeAccessor(&S::m_helloTimeout),
                            MakeTimeChecker(Time(0)))
              .AddAttribute("Progress", "Print a progress line per round on stderr.",
                            BooleanValue(true), MakeBooleanAccessor(&S::m_progressEnabled),
                            MakeBooleanChecker())
              .AddAttribute("StopSimulation", "Call Simulator::Stop when the run ends.",
                            BooleanValue(true), MakeBooleanAccessor(&S::m_stopSimulation),
                            MakeBooleanChecker())
              .AddTraceSource("RoundStarted", "A round started: round, participants.",
                              MakeTraceSourceAccessor(&S::m_roundStarted),
                              "ns3::FedMoeServerApplication::RoundStartedCallback")
              .AddTraceSource("AssignmentDecided",
                              "The policy's assignment: round, client -> experts.",
                              MakeTraceSourceAccessor(&S::m_assignmentDecided),
                              "ns3::FedMoeServerApplication::AssignmentCallback")
              .AddTraceSource("AssignSent", "An ASSIGN was queued: round, client, payload bytes.",
                              MakeTraceSourceAccessor(&S::m_assignSent),
                              "ns3::FedMoeServerApplication::AssignSentCallback")
              .AddTraceSource("UpdateReceived",
                              "An UPDATE was accepted: round, client, payload bytes, decoded "
                              "update.",
                              MakeTraceSourceAccessor(&S::m_updateReceived),
                              "ns3::FedMoeServerApplication::UpdateCallback")
              .AddTraceSource("ClientDropped",
                              "A participant's update did not arrive (in time, or usable): "
                              "round, client.",
                              MakeTraceSourceAccessor(&S::m_clientDropped),
                              "ns3::FedMoeServerApplication::DroppedCallback")
              .AddTraceSource("MessageRejected",
                              "A message was rejected: round, client, reason, detail.",
                              MakeTraceSourceAccessor(&S::m_messageRejected),
                              "ns3::FedMoeServerApplication::RejectedCallback")
              .AddTraceSource("RoundCompleted", "A round was completed: its record.",
                              MakeTraceSourceAccessor(&S::m_roundCompleted),
                              "ns3::FedMoeServerApplication::RoundCompletedCallback");
    return tid;
}

FedMoeServerApplication::FedMoeServerApplication()
    : m_rounds(10),
      m_deadline(Seconds(60)),
      m_participation(1.0),
      m_minParticipants(1),
      m_localSteps(20),
      m_evaluationInterval(1),
      m_targetAccuracy(0.0),
      m_stopAtTarget(false),
      m_maxPayload(256u << 20),
      m_aggregationGate("all"),
      m_aggregationRule("mean"),
      m_trimFraction(0.2),
      m_maxExpertsPerClient(2),
      m_minTrainersPerExpert(1),
      m_maxTrainersPerExpert(0),
      m_completionSmoothing(0.3),
      m_port(7100),
      m_expectedClients(0),
      m_helloTimeout(Seconds(10)),
      m_progressEnabled(true),
      m_stopSimulation(true),
      m_uplink(CreateObject<ChannelEstimator>()),
      m_downlink(CreateObject<ChannelEstimator>()),
      m_participantRng(CreateObject<UniformRandomVariable>()),
      m_seedRng(CreateObject<UniformRandomVariable>()),
      m_finalAccuracy(std::numeric_limits<double>::quiet_NaN())
{
    NS_LOG_FUNCTION(this);
}

FedMoeServerApplication::~FedMoeServerApplication()
{
    NS_LOG_FUNCTION(this);
}

void
FedMoeServerApplication::DoDispose()
{
    Simulator::Cancel(m_startEvent);
    Simulator::Cancel(m_deadlineEvent);
    for (auto& [socket, conn] : m_connections)
    {
        conn.writer->Detach();
        conn.socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
        conn.socket->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(),
                                       MakeNullCallback<void, Ptr<Socket>>());
    }
    m_connections.clear();
    m_closed.clear();
    m_listener = nullptr;
    m_policy = nullptr;
    m_executor = nullptr;
    m_model.reset();
    m_uplink = nullptr;
    m_downlink = nullptr;
    m_participantRng = nullptr;
    m_seedRng = nullptr;
    m_recorder.reset();
    Application::DoDispose();
}

void
FedMoeServerApplication::SetFitnessSmoothing(double value)
{
    m_fitnessParameters.smoothing = value;
}

double
FedMoeServerApplication::GetFitnessSmoothing() const
{
    return m_fitnessParameters.smoothing;
}

void
FedMoeServerApplication::SetFitnessDecay(double value)
{
    m_fitnessParameters.decay = value;
}

double
FedMoeServerApplication::GetFitnessDecay() const
{
    return m_fitnessParameters.decay;
}

void
FedMoeServerApplication::SetFitnessLossWeight(double value)
{
    m_fitnessParameters.lossWeight = value;
}

double
FedMoeServerApplication::GetFitnessLossWeight() const
{
    return m_fitnessParameters.lossWeight;
}

void
FedMoeServerApplication::SetUsageDecay(double value)
{
    m_usageParameters.smoothing = value;
}

double
FedMoeServerApplication::GetUsageDecay() const
{
    return m_usageParameters.smoothing;
}

void
FedMoeServerApplication::SetExecutor(Ptr<FedMoeTrainingExecutor> executor)
{
    m_executor = executor;
}

Ptr<FedMoeTrainingExecutor>
FedMoeServerApplication::GetExecutor() const
{
    return m_executor;
}

void
FedMoeServerApplication::SetClientDistance(uint32_t client, double metres)
{
    m_distances[client] = metres;
}

Ptr<ChannelEstimator>
FedMoeServerApplication::GetUplinkEstimator() const
{
    return m_uplink;
}

Ptr<ChannelEstimator>
FedMoeServerApplication::GetDownlinkEstimator() const
{
    return m_downlink;
}

uint32_t
FedMoeServerApplication::GetRoundsCompleted() const
{
    return static_cast<uint32_t>(m_records.size());
}

const std::vector<FedMoeRoundRecord>&
FedMoeServerApplication::GetRoundRecords() const
{
    return m_records;
}

uint64_t
FedMoeServerApplication::GetRejectedCount() const
{
    return m_rejected;
}

uint64_t
FedMoeServerApplication::GetDroppedCount() const
{
    return m_dropped;
}

bool
FedMoeServerApplication::IsFinished() const
{
    return m_finished;
}

const std::string&
FedMoeServerApplication::GetError() const
{
    return m_error;
}

double
FedMoeServerApplication::GetFinalAccuracy() const
{
    return m_finalAccuracy;
}

uint32_t
FedMoeServerApplication::GetRoundsToTarget() const
{
    return m_roundsToTarget;
}

Time
FedMoeServerApplication::GetTimeToTarget() const
{
    return m_timeToTarget;
}

uint64_t
FedMoeServerApplication::GetBytesDown() const
{
    return m_bytesDown;
}

double
FedMoeServerApplication::GetSerialisationWallSeconds() const
{
    return m_wallSerialisation;
}

double
FedMoeServerApplication::GetAggregationWallSeconds() const
{
    return m_wallAggregation;
}

double
FedMoeServerApplication::GetEvaluationWallSeconds() const
{
    return m_wallEvaluation;
}

uint64_t
FedMoeServerApplication::GetBytesUp() const
{
    return m_bytesUp;
}

Ptr<FedMoeAlignmentPolicy>
FedMoeServerApplication::GetPolicy() const
{
    return m_policy;
}

int64_t
FedMoeServerApplication::AssignStreams(int64_t stream)
{
    m_participantRng->SetStream(stream);
    m_seedRng->SetStream(stream + 1);
    int64_t used = 2;
    if (!m_policy)
    {
        m_policy = FedMoeAlignmentPolicy::Create("channel-aware");
    }
    used += m_policy->AssignStreams(stream + used);
    return used;
}

// --- connections -----------------------------------------------------------

void
FedMoeServerApplication::StartApplication()
{
    NS_LOG_FUNCTION(this);
    if (!m_executor || !m_executor->GetModel())
    {
        Fail("FedMoeServerApplication: no training executor with a model (SetExecutor)");
        return;
    }
    m_model = m_executor->GetModel();
    if (!m_policy)
    {
        m_policy = FedMoeAlignmentPolicy::Create("channel-aware");
    }
    try
    {
        learning::AggregationOptions options;
        options.gate = m_aggregationGate;
        options.rule = m_aggregationRule;
        options.trimFraction = m_trimFraction;
        learning::ValidateAggregationOptions(options);
        m_fitnessParameters.Validate();
        m_usageParameters.Validate();
        if (!m_outDir.empty())
        {
            m_recorder = std::make_unique<FedMoeRecorder>(m_outDir);
        }
    }
    catch (const std::exception& e)
    {
        Fail(e.what());
        return;
    }
    if (m_progressEnabled)
    {
        m_progress = std::make_unique<FedMoeProgress>(m_rounds);
    }
    m_listener = Socket::CreateSocket(GetNode(), TcpSocketFactory::GetTypeId());
    if (m_listener->Bind(InetSocketAddress(Ipv4Address::GetAny(), m_port)) != 0
        || m_listener->Listen() != 0)
    {
        Fail("FedMoeServerApplication: cannot listen on port " + std::to_string(m_port));
        return;
    }
    m_listener->SetAcceptCallback(MakeCallback(&FedMoeServerApplication::AcceptRequest, this),
                                  MakeCallback(&FedMoeServerApplication::HandleAccept, this));
    m_startEvent
        = Simulator::Schedule(m_helloTimeout, &FedMoeServerApplication::StartFirstRound, this);
}

void
FedMoeServerApplication::StopApplication()
{
    NS_LOG_FUNCTION(this);
    Simulator::Cancel(m_startEvent);
    Simulator::Cancel(m_deadlineEvent);
    if (m_listener)
    {
        m_listener->Close();
    }
}

bool
FedMoeServerApplication::AcceptRequest(Ptr<Socket> /* socket */, const Address& /* from */)
{
    return !m_finished;
}

void
FedMoeServerApplication::HandleAccept(Ptr<Socket> socket, const Address& from)
{
    NS_LOG_FUNCTION(this << socket << from);
    Connection conn;
    conn.socket = socket;
    conn.framer = std::make_unique<FedMoeMessageFramer>(m_maxPayload);
    conn.writer = std::make_unique<FedMoeStreamWriter>();
    conn.writer->Attach(socket);
    Socket* key = PeekPointer(socket);
    m_connections[key] = std::move(conn);
    socket->SetRecvCallback(MakeCallback(&FedMoeServerApplication::HandleRead, this));
    socket->SetCloseCallbacks(MakeCallback(&FedMoeServerApplication::HandlePeerClose, this),
                              MakeCallback(&FedMoeServerApplication::HandlePeerClose, this));
    socket->TraceConnectWithoutContext(
        "RTT", MakeCallback(&FedMoeServerApplication::RttSample, this, key));
}

void
FedMoeServerApplication::RttSample(Socket* socket, Time /* oldRtt */, Time newRtt)
{
    auto it = m_connections.find(socket);
    if (it != m_connections.end() && newRtt.IsStrictlyPositive()
        && (it->second.minRtt.IsZero() || newRtt < it->second.minRtt))
    {
        it->second.minRtt = newRtt;
    }
}

void
FedMoeServerApplication::HandlePeerClose(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    Forget(PeekPointer(socket));
}

void
FedMoeServerApplication::Forget(Socket* socket)
{
    auto it = m_connections.find(socket);
    if (it == m_connections.end())
    {
        return;
    }
    Connection& conn = it->second;
    if (conn.hello)
    {
        auto c = m_clients.find(conn.client);
        if (c != m_clients.end() && c->second.socket == socket)
        {
            c->second.connected = false;
            c->second.socket = nullptr;
            NS_LOG_INFO("client " << conn.client << " disconnected");
        }
    }
    conn.writer->Detach();
    conn.socket->SetRecvCallback(MakeNullCallback<void, Ptr<Socket>>());
    conn.socket->SetCloseCallbacks(MakeNullCallback<void, Ptr<Socket>>(),
                                   MakeNullCallback<void, Ptr<Socket>>());
    conn.socket->Close();
    // The socket may be deep in its own call stack: keep it alive until disposal.
    m_closed.push_back(conn.socket);
    m_connections.erase(it);
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

void
FedMoeServerApplication::HandleRead(Ptr<Socket> socket)
{
    NS_LOG_FUNCTION(this << socket);
    Socket* key = PeekPointer(socket);
    Ptr<Packet> packet;
    while ((packet = socket->Recv()))
    {
        if (packet->GetSize() == 0)
        {
            break;
        }
        auto it = m_connections.find(key);
        if (it == m_connections.end())
        {
            return;
        }
        Connection& conn = it->second;
        if (m_roundOpen)
        {
            m_roundBytesUp += packet->GetSize();
        }
        if (conn.framer->GetBufferedBytes() == 0)
        {
            conn.messageStart = Simulator::Now();
        }
        conn.framer->Append(packet);
        for (;;)
        {
            FedMoeMessageFramer::Result r = conn.framer->Next();
            if (r.status == FedMoeMessageFramer::Status::NEED_MORE)
            {
                break;
            }
            const FedMoeHeader& h = r.message.header;
            if (r.status == FedMoeMessageFramer::Status::REJECTED)
            {
                Reject(h.GetRound(), h.GetClientId(), r.reason,
                       "from "
                           + (conn.hello ? "client " + std::to_string(conn.client)
                                         : std::string("a connection without HELLO")));
                if (conn.framer->IsBroken())
                {
                    Forget(key);
                    return;
                }
            }
            else if (h.GetMessageType() == FedMoeMessageType::HELLO)
            {
                HandleHello(conn, r.message);
            }
            else if (h.GetMessageType() == FedMoeMessageType::UPDATE)
            {
                HandleUpdate(conn, r.message);
            }
            else
            {
                Reject(h.GetRound(), h.GetClientId(), FedMoeRejection::UNEXPECTED,
                       "a " + ToString(h.GetMessageType()) + " from a client");
            }
            if (m_connections.find(key) == m_connections.end())
            {
                return;
            }
            if (conn.framer->GetBufferedBytes() > 0)
            {
                conn.messageStart = Simulator::Now();
            }
        }
    }
}

void
FedMoeServerApplication::HandleHello(Connection& conn, const FedMoeMessage& message)
{
    const uint32_t client = message.header.GetClientId();
    const uint32_t round = message.header.GetRound();
    if (conn.hello)
    {
        Reject(round, client, FedMoeRejection::UNEXPECTED, "a second HELLO on one connection");
        return;
    }
    FedMoeHello hello;
    std::string error = FedMoePayload::Decode(message.payload, hello);
    sched::CapacityProfile profile;
    profile.computeGflops = hello.computeGflops;
    profile.cores = std::max<uint32_t>(1, hello.cores);
    profile.memoryMb = hello.memoryMb;
    profile.uplinkBps = hello.uplinkBps;
    profile.downlinkBps = hello.downlinkBps;
    profile.latencyS = hello.latencySeconds;
    profile.availability = 1.0; // the server cannot know; clients model it
    if (error.empty())
    {
        try
        {
            sched::CapacityEstimator::ValidateProfile(profile, "HELLO");
        }
        catch (const std::invalid_argument& e)
        {
            error = e.what();
        }
    }
    if (!error.empty())
    {
        Reject(round, client, FedMoeRejection::BAD_PAYLOAD, error);
        return;
    }
    if (m_fitness && client >= m_fitness->NumClients())
    {
        Reject(round, client, FedMoeRejection::UNEXPECTED,
               "HELLO from client " + std::to_string(client) + " after the first round (ids 0.."
                   + std::to_string(m_fitness->NumClients() - 1) + " take part)");
        return;
    }
    ClientState& state = m_clients[client];
    if (state.connected && state.socket != PeekPointer(conn.socket))
    {
        // The client reconnected (its old connection broke on its side): the
        // new connection replaces the old one.
        NS_LOG_INFO("client " << client << " reconnected; closing its old connection");
        Forget(state.socket);
    }
    conn.hello = true;
    conn.client = client;
    state.connected = true;
    state.socket = PeekPointer(conn.socket);
    state.tier = hello.tier;
    state.profile = profile;
    NS_LOG_INFO("HELLO from client " << client << " (" << hello.tier << ")");
    if (!m_started && m_expectedClients > 0)
    {
        uint32_t said = 0;
        for (const auto& [id, s] : m_clients)
        {
            said += s.connected ? 1 : 0;
        }
        if (said >= m_expectedClients)
        {
            Simulator::Cancel(m_startEvent);
            m_startEvent = Simulator::ScheduleNow(&FedMoeServerApplication::StartFirstRound, this);
        }
    }
}

void
FedMoeServerApplication::HandleUpdate(Connection& conn, const FedMoeMessage& message)
{
    const uint32_t client = message.header.GetClientId();
    const uint32_t round = message.header.GetRound();
    auto reject = [&](FedMoeRejection reason, const std::string& detail)
    {
        Reject(round, client, reason, detail);
    };
    if (!conn.hello)
    {
        reject(FedMoeRejection::UNEXPECTED, "an UPDATE before HELLO");
        return;
    }
    if (client != conn.client)
    {
        reject(FedMoeRejection::UNEXPECTED, "an UPDATE naming client " + std::to_string(client)
                                                + " on the connection of client "
                                                + std::to_string(conn.client));
        return;
    }
    if (!m_roundOpen || round != m_round)
    {
        reject(FedMoeRejection::UNEXPECTED,
               "an UPDATE for round " + std::to_string(round)
                   + (round < m_round || !m_roundOpen ? " (late: closed)" : " (not started)"));
        return;
    }
    auto it = m_pending.find(client);
    if (it == m_pending.end())
    {
        reject(FedMoeRejection::UNEXPECTED, "an UPDATE from a client not assigned this round");
        return;
    }
    Pending& pending = it->second;
    if (pending.received)
    {
        reject(FedMoeRejection::UNEXPECTED, "a second UPDATE in one round");
        return;
    }
    FedMoeUpdate update;
    std::string error;
    {
        FedMoeWallTimer timer(m_wallSerialisation);
        error = FedMoePayload::Decode(message.payload, update);
    }
    if (!error.empty())
    {
        reject(FedMoeRejection::BAD_PAYLOAD, error);
        return;
    }
    if (update.experts != pending.experts)
    {
        reject(FedMoeRejection::UNEXPECTED, "experts " + ListText(update.experts) + " updated, "
                                                + ListText(pending.experts) + " assigned");
        return;
    }
    const uint32_t experts = m_model->Experts();
    if (update.routedSamples.size() != experts || update.routingShare.size() != experts)
    {
        reject(FedMoeRejection::BAD_PAYLOAD,
               "routing statistics for " + std::to_string(update.routedSamples.size())
                   + " experts, the model has " + std::to_string(experts));
        return;
    }
    pending.received = true;
    pending.arrived = Simulator::Now();
    learning::TrainResult result = FedMoeTrainingExecutor::FromUpdate(client, update);
    const uint64_t bytes = FedMoeHeader::SERIALIZED_SIZE + message.payload.size();
    const Time duration = Simulator::Now() - conn.messageStart;
    if (duration.IsStrictlyPositive())
    {
        m_uplink->RecordTransfer(client, bytes, duration);
    }
    NS_LOG_INFO("round " << round << ": UPDATE from client " << client << " (" << bytes
                         << " B, upload " << duration.As(Time::S) << ")");
    m_updateReceived(round, client, message.payload, result);
    m_updates.push_back(std::move(result));
    const bool all = std::all_of(m_pending.begin(), m_pending.end(),
                                 [](const auto& p)
                                 {
                                     return p.second.received;
                                 });
    if (all)
    {
        Simulator::Cancel(m_deadlineEvent);
        m_deadlineEvent = Simulator::ScheduleNow(&FedMoeServerApplication::CloseRound, this);
    }
}

void
FedMoeServerApplication::AssignDrained(uint32_t round, uint32_t client, Socket* socket)
{
    auto it = m_connections.find(socket);
    if (it != m_connections.end())
    {
        it->second.writer->SetDrainedCallback(FedMoeStreamWriter::DrainedCallback());
    }
    if (round != m_round || !m_roundOpen)
    {
        return;
    }
    auto p = m_pending.find(client);
    if (p == m_pending.end())
    {
        return;
    }
    const Time duration = Simulator::Now() - p->second.assignQueued;
    if (duration.IsStrictlyPositive())
    {
        m_downlink->RecordTransfer(client, p->second.assignBytes, duration);
    }
}

// --- rounds ----------------------------------------------------------------

double
FedMoeServerApplication::SamplesPerRound() const
{
    return static_cast<double>(m_localSteps) * m_model->GetTrainOptions().batchSize;
}

sched::ModelCost
FedMoeServerApplication::ModelCostOf() const
{
    sched::ModelCost cost;
    const uint32_t experts = m_model->Experts();
    const double one = m_model->TrainFlopsPerSample(1);
    double perExpert = one;
    double shared = 0;
    if (experts >= 2)
    {
        perExpert = std::max(0.0, m_model->TrainFlopsPerSample(2) - one);
        shared = std::max(0.0, one - perExpert);
    }
    cost.sharedParameterBytes = static_cast<double>(m_model->GateBytes());
    cost.sharedTrainFlopsPerSample = shared;
    cost.localEpochs = 1.0;
    sched::ExpertCost expert;
    expert.parameterBytes = static_cast<double>(m_model->ExpertBytes());
    expert.trainFlopsPerSample = perExpert;
    cost.experts.assign(experts, expert);
    return cost;
}

sched::ChannelObservation
FedMoeServerApplication::ObservationOf(uint32_t client) const
{
    sched::ChannelObservation o;
    const ChannelEstimate up = m_uplink->GetEstimate(client);
    const ChannelEstimate down = m_downlink->GetEstimate(client);
    o.goodputUpBps = up.transferSamples > 0 ? up.goodputBps : 0.0;
    o.goodputDownBps = down.transferSamples > 0 ? down.goodputBps : 0.0;
    o.rttS = up.rttSamples > 0 ? up.rtt.GetSeconds() : 0.0;
    auto it = m_clients.find(client);
    o.completionRatio = it != m_clients.end() ? it->second.completionRatio : 1.0;
    return o;
}

void
FedMoeServerApplication::StartFirstRound()
{
    if (m_started || m_finished)
    {
        return;
    }
    m_started = true;
    uint32_t maxId = 0;
    uint32_t said = 0;
    for (const auto& [id, s] : m_clients)
    {
        maxId = std::max(maxId, id);
        said += s.connected ? 1 : 0;
    }
    if (said == 0)
    {
        Fail("no client said HELLO within " + std::to_string(m_helloTimeout.GetSeconds())
             + " s of the server's start");
        return;
    }
    try
    {
        const uint32_t clients = std::max(m_expectedClients, maxId + 1);
        m_fitness = std::make_unique<sched::FitnessTracker>(clients, m_model->Experts(),
                                                            m_fitnessParameters);
        m_usage
            = std::make_unique<sched::ExpertUsageTracker>(m_model->Experts(), m_usageParameters);
    }
    catch (const std::exception& e)
    {
        Fail(e.what());
        return;
    }
    StartRound();
}

void
FedMoeServerApplication::StartRound()
{
    NS_LOG_FUNCTION(this);
    if (m_finished)
    {
        return;
    }
    ++m_round;
    m_roundStart = Simulator::Now();
    m_pending.clear();
    m_updates.clear();
    m_roundBytesDown = 0;
    m_roundBytesUp = 0;
    for (auto& [socket, conn] : m_connections)
    {
        conn.minRtt = Time(0);
    }

    std::vector<sched::ClientInfo> available;
    for (const auto& [id, state] : m_clients)
    {
        if (!state.connected)
        {
            continue;
        }
        sched::ClientInfo info;
        info.id = id;
        info.profile = state.profile;
        info.channel = ObservationOf(id);
        info.samples = SamplesPerRound();
        available.push_back(info);
    }
    std::map<uint32_t, std::vector<uint32_t>> assignment;
    std::vector<learning::TrainJob> jobs;
    std::vector<std::pair<uint32_t, FedMoeBytes>> messages;
    uint32_t participants = 0;
    try
    {
        sched::ParticipationParameters pp;
        pp.rule = m_participation >= 1.0 ? sched::ParticipationRule::All
                                         : sched::ParticipationRule::Fraction;
        pp.fraction = m_participation;
        pp.minClients = m_minParticipants;
        pp.sampleAvailability = false; // clients model their own availability
        std::mt19937_64 engine(DrawSeed(m_participantRng));
        std::vector<std::size_t> picked;
        if (!available.empty())
        {
            picked = sched::ParticipationSelector(pp).Select(available, engine);
        }
        sched::AlignmentInput input;
        std::vector<uint32_t> ids;
        for (std::size_t i : picked)
        {
            input.clients.push_back(available[i]);
            ids.push_back(available[i].id);
        }
        participants = static_cast<uint32_t>(ids.size());
        m_roundStarted(m_round, participants);
        if (!ids.empty())
        {
            input.model = ModelCostOf();
            input.fitness = m_fitness->Rows(ids);
            input.usage = m_usage->Usages();
            input.constraints.maxExpertsPerClient = m_maxExpertsPerClient;
            input.constraints.minTrainersPerExpert = m_minTrainersPerExpert;
            input.constraints.maxTrainersPerExpert = m_maxTrainersPerExpert;
            input.constraints.deadlineS = m_deadline.GetSeconds();
            const sched::Assignment decided = m_policy->Assign(input);
            const sched::CapacityEstimator estimator(input.capacity);
            std::map<uint32_t, double> predicted;
            for (std::size_t i = 0; i < decided.clients.size(); ++i)
            {
                const auto& ca = decided.clients[i];
                if (ca.experts.empty())
                {
                    continue;
                }
                assignment[ca.client] = ca.experts;
                const sched::ClientInfo& info = input.clients.at(i);
                const sched::ClientRates rates
                    = estimator.Rates(info.profile, info.channel, info.samples, input.model);
                predicted[ca.client]
                    = sched::CapacityEstimator::RoundTime(rates, input.model, ca.experts);
            }
            // ASSIGNs and jobs.
            const Time deadline = m_roundStart + m_deadline;
            FedMoeWallTimer timer(m_wallSerialisation);
            const FedMoeBytes gate = m_model->EncodeGate();
            std::map<uint32_t, FedMoeBytes> expertBytes;
            for (const auto& [client, experts] : assignment)
            {
                FedMoeAssign a;
                a.deadlineSeconds = deadline.GetSeconds();
                a.localSteps = m_localSteps;
                a.seed = DrawSeed(m_seedRng);
                a.experts = experts;
                a.gate = gate;
                for (uint32_t e : experts)
                {
                    auto b = expertBytes.find(e);
                    if (b == expertBytes.end())
                    {
                        b = expertBytes.emplace(e, m_model->EncodeExpert(e)).first;
                    }
                    a.expertParams.push_back(b->second);
                }
                jobs.push_back(
                    FedMoeTrainingExecutor::MakeJob(client, a, m_executor->GetShard(client)));
                messages.emplace_back(client, FedMoePayload::Encode(a));
                Pending p;
                p.experts = experts;
                p.predictedS = predicted[client];
                m_pending[client] = p;
            }
        }
    }
    catch (const std::exception& e)
    {
        Fail("round " + std::to_string(m_round) + ": " + e.what());
        return;
    }
    m_assignmentDecided(m_round, assignment);
    if (m_recorder)
    {
        m_recorder->AddAssignment(m_round, assignment);
    }
    m_executor->Submit(m_round, jobs);
    m_roundOpen = true;
    for (auto& [client, payload] : messages)
    {
        ClientState& state = m_clients[client];
        ++state.roundsAssigned;
        Ptr<Packet> packet;
        {
            FedMoeWallTimer timer(m_wallSerialisation);
            packet
                = FedMoeMessageFramer::Encode(FedMoeMessageType::ASSIGN, m_round, client, payload);
        }
        Pending& p = m_pending[client];
        p.assignQueued = Simulator::Now();
        p.assignBytes = packet->GetSize();
        m_roundBytesDown += packet->GetSize();
        auto conn = m_connections.find(state.socket);
        if (conn != m_connections.end())
        {
            conn->second.writer->SetDrainedCallback(MakeCallback(
                &FedMoeServerApplication::AssignDrained, this, m_round, client, state.socket));
            conn->second.writer->Send(packet);
        }
        m_assignSent(m_round, client, payload);
    }
    NS_LOG_INFO("round " << m_round << ": " << participants << " participants, "
                         << assignment.size() << " assigned, " << m_roundBytesDown
                         << " B of ASSIGNs");
    if (m_pending.empty())
    {
        m_deadlineEvent = Simulator::ScheduleNow(&FedMoeServerApplication::CloseRound, this);
    }
    else
    {
        m_deadlineEvent
            = Simulator::Schedule(m_deadline, &FedMoeServerApplication::CloseRound, this);
    }
}

void
FedMoeServerApplication::Aggregate(std::vector<learning::TrainResult>& updates)
{
    learning::AggregationOptions options;
    options.gate = m_aggregationGate;
    options.rule = m_aggregationRule;
    options.trimFraction = m_trimFraction;
    FedMoeWallTimer timer(m_wallAggregation);
    if (updates.empty())
    {
        return;
    }
    try
    {
        m_model->Aggregate(updates, options);
        return;
    }
    catch (const std::invalid_argument& e)
    {
        NS_LOG_WARN("round " << m_round << ": aggregation refused the updates: " << e.what());
    }
    // Aggregate() changes nothing when it throws: find the update it refuses
    // by leaving one out at a time.
    for (std::size_t i = 0; i < updates.size(); ++i)
    {
        std::vector<learning::TrainResult> rest;
        for (std::size_t j = 0; j < updates.size(); ++j)
        {
            if (j != i)
            {
                rest.push_back(updates[j]);
            }
        }
        try
        {
            if (!rest.empty())
            {
                m_model->Aggregate(rest, options);
            }
        }
        catch (const std::invalid_argument&)
        {
            continue;
        }
        const uint32_t client = updates[i].client;
        Reject(m_round, client, FedMoeRejection::BAD_PAYLOAD,
               "the learning core refused the update of client " + std::to_string(client));
        updates = std::move(rest);
        return;
    }
    for (const auto& u : updates)
    {
        Reject(m_round, u.client, FedMoeRejection::BAD_PAYLOAD,
               "the learning core refused this round's updates; none is used");
    }
    updates.clear();
}

void
FedMoeServerApplication::CloseRound()
{
    NS_LOG_FUNCTION(this << m_round);
    if (!m_roundOpen)
    {
        return;
    }
    m_roundOpen = false;
    Simulator::Cancel(m_deadlineEvent);
    std::sort(m_updates.begin(), m_updates.end(),
              [](const auto& a, const auto& b)
              {
                  return a.client < b.client;
              });
    const std::size_t accepted = m_updates.size();
    FedMoeRoundRecord record;
    try
    {
        Aggregate(m_updates);
        std::set<uint32_t> used;
        for (const auto& u : m_updates)
        {
            used.insert(u.client);
        }
        uint32_t dropped = 0;
        for (auto& [client, p] : m_pending)
        {
            if (!used.count(client))
            {
                ++dropped;
                ++m_clients[client].roundsDropped;
                NS_LOG_INFO("round "
                            << m_round << ": client " << client << " dropped"
                            << (p.received ? " (update refused)" : " (no update in time)"));
                m_clientDropped(m_round, client);
            }
        }
        m_dropped += dropped;
        NS_LOG_INFO("round " << m_round << ": " << accepted << " updates accepted, "
                             << m_updates.size() << " aggregated");

        // Scores: fitness from loss and routing share, usage from routed samples.
        for (const auto& u : m_updates)
        {
            for (uint32_t e : u.experts)
            {
                sched::TrainingFeedback feedback;
                feedback.loss = u.meanLoss;
                feedback.routingShare
                    = e < u.routingShare.size() ? std::clamp(u.routingShare[e], 0.0, 1.0) : 0.0;
                if (std::isfinite(feedback.loss) && feedback.loss >= 0)
                {
                    m_fitness->Record(u.client, e, feedback);
                }
                if (e < u.routedSamples.size())
                {
                    m_usage->AddLoad(e, static_cast<double>(u.routedSamples[e]));
                }
            }
        }
        m_fitness->EndRound();
        m_usage->EndRound();

        // Completion ratios from the rounds that arrived. A missing update says
        // nothing about speed (the device may have been offline), and clients
        // left out of a round drift back towards the prediction, so that a
        // client once judged too slow is tried again.
        for (auto& [client, state] : m_clients)
        {
            auto p = m_pending.find(client);
            if (p == m_pending.end())
            {
                state.completionRatio += m_completionSmoothing * (1.0 - state.completionRatio);
                continue;
            }
            const double observed = (p->second.arrived - m_roundStart).GetSeconds();
            if (p->second.received && p->second.predictedS > 0 && observed > 0)
            {
                state.completionRatio = sched::CapacityEstimator::UpdateCompletionRatio(
                    state.completionRatio, observed, p->second.predictedS, m_completionSmoothing);
            }
        }
        for (auto& [socket, conn] : m_connections)
        {
            if (conn.hello && conn.minRtt.IsStrictlyPositive())
            {
                m_uplink->RecordRtt(conn.client, conn.minRtt);
            }
        }

        record.round = m_round;
        record.simTimeS = Simulator::Now().GetSeconds();
        record.participants = static_cast<uint32_t>(m_pending.size());
        record.dropped = dropped;
        record.bytesDown = m_roundBytesDown;
        record.bytesUp = m_roundBytesUp;
        record.expertLoadCv
            = sched::ExpertUsageTracker::Stats(m_usage->LastRoundLoads()).coefficientOfVariation;
        if (m_round % m_evaluationInterval == 0 || m_round >= m_rounds)
        {
            learning::Evaluation ev;
            {
                FedMoeWallTimer timer(m_wallEvaluation);
                ev = m_model->Evaluate();
            }
            record.testAccuracy = ev.accuracy;
            record.testLoss = ev.loss;
            record.routingEntropy = ev.routingEntropyBits;
            m_finalAccuracy = ev.accuracy;
        }
        record.wallTimeS = m_progress ? m_progress->Elapsed() : 0.0;
    }
    catch (const std::exception& e)
    {
        Fail("round " + std::to_string(m_round) + ": " + e.what());
        return;
    }
    m_bytesDown += m_roundBytesDown;
    m_bytesUp += m_roundBytesUp;
    m_executor->EndRound(m_round);
    m_records.push_back(record);
    if (m_recorder)
    {
        m_recorder->AddRound(record);
    }
    if (m_progress)
    {
        m_progress->RoundDone(m_round, record.simTimeS, record.testAccuracy, record.dropped);
    }
    const bool reached = m_targetAccuracy > 0 && std::isfinite(record.testAccuracy)
                         && record.testAccuracy >= m_targetAccuracy;
    if (reached && m_roundsToTarget == 0)
    {
        m_roundsToTarget = m_round;
        m_timeToTarget = Simulator::Now();
    }
    m_roundCompleted(record);
    m_pending.clear();
    m_updates.clear();
    if (m_round >= m_rounds || (reached && m_stopAtTarget))
    {
        Finish();
        return;
    }
    Simulator::ScheduleNow(&FedMoeServerApplication::StartRound, this);
}

// --- end of the run --------------------------------------------------------

std::vector<FedMoeClientRecord>
FedMoeServerApplication::GetClientRecords() const
{
    std::vector<FedMoeClientRecord> records;
    // Clients known only from the helper (never said HELLO) get a row too.
    std::map<uint32_t, ClientState> all = m_clients;
    for (const auto& [id, metres] : m_distances)
    {
        all.emplace(id, ClientState());
    }
    for (const auto& [id, state] : all)
    {
        FedMoeClientRecord r;
        r.client = id;
        r.tier = state.tier;
        auto d = m_distances.find(id);
        if (d != m_distances.end())
        {
            r.distanceM = d->second;
        }
        r.computeGflops = state.profile.computeGflops;
        r.cores = state.profile.cores;
        r.memoryMb = state.profile.memoryMb;
        r.uplinkBps = state.profile.uplinkBps;
        r.downlinkBps = state.profile.downlinkBps;
        r.latencyS = state.profile.latencyS;
        r.samples = m_executor ? m_executor->GetShard(id).size() : 0;
        const ChannelEstimate e = m_uplink->GetEstimate(id);
        if (e.transferSamples > 0)
        {
            r.goodputBps = e.goodputBps;
        }
        if (e.rttSamples > 0)
        {
            r.rttS = e.rtt.GetSeconds();
        }
        if (e.snrSamples > 0)
        {
            r.snrDb = e.snrDb;
        }
        r.roundsAssigned = state.roundsAssigned;
        r.roundsDropped = state.roundsDropped;
        records.push_back(r);
    }
    return records;
}

std::string
FedMoeServerApplication::SummaryJson() const
{
    nlohmann::json j;
    j["policy"] = m_policy ? m_policy->GetName() : "";
    j["seed"] = RngSeedManager::GetSeed();
    j["run"] = RngSeedManager::GetRun();
    j["rounds"] = GetRoundsCompleted();
    j["rounds_planned"] = m_rounds;
    j["final_accuracy"] = std::isfinite(m_finalAccuracy) ? nlohmann::json(m_finalAccuracy)
                                                         : nlohmann::json(nullptr);
    j["target_accuracy"] = m_targetAccuracy;
    j["rounds_to_target"]
        = m_roundsToTarget > 0 ? nlohmann::json(m_roundsToTarget) : nlohmann::json(nullptr);
    j["time_to_target_s"] = m_roundsToTarget > 0 ? nlohmann::json(m_timeToTarget.GetSeconds())
                                                 : nlohmann::json(nullptr);
    j["bytes_down"] = m_bytesDown;
    j["bytes_up"] = m_bytesUp;
    j["bytes_total"] = m_bytesDown + m_bytesUp;
    j["sim_time_s"] = Simulator::Now().GetSeconds();
    j["wall_time_s"] = m_progress ? m_progress->Elapsed() : 0.0;
    j["clients_connected"] = m_clients.size();
    j["dropped"] = m_dropped;
    j["rejected_messages"] = m_rejected;
    if (m_executor)
    {
        j["training_wall_s"] = m_executor->GetTrainingWallSeconds();
        j["jobs_precomputed"] = m_executor->GetPrecomputedCount();
        j["jobs_trained_on_demand"] = m_executor->GetTrainedOnDemandCount();
        j["jobs_discarded"] = m_executor->GetDiscardedCount();
    }
    j["round_deadline_s"] = m_deadline.GetSeconds();
    j["local_steps"] = m_localSteps;
    j["aggregation_gate"] = m_aggregationGate;
    j["aggregation_rule"] = m_aggregationRule;
    return j.dump();
}

void
FedMoeServerApplication::Finish()
{
    NS_LOG_FUNCTION(this);
    m_finished = true;
    try
    {
        if (m_recorder)
        {
            m_recorder->Finish(GetClientRecords(), SummaryJson());
        }
    }
    catch (const std::exception& e)
    {
        m_error = std::string("writing the records: ") + e.what();
    }
    std::vector<Socket*> sockets;
    for (const auto& [socket, conn] : m_connections)
    {
        sockets.push_back(socket);
    }
    for (Socket* s : sockets)
    {
        Forget(s);
    }
    if (m_listener)
    {
        m_listener->Close();
    }
    if (m_stopSimulation)
    {
        Simulator::Stop();
    }
}

void
FedMoeServerApplication::Fail(const std::string& error)
{
    NS_LOG_FUNCTION(this << error);
    NS_LOG_ERROR("FedMoeServerApplication: " << error);
    m_error = error;
    m_finished = true;
    m_roundOpen = false;
    Simulator::Cancel(m_deadlineEvent);
    Simulator::Cancel(m_startEvent);
    if (m_recorder)
    {
        try
        {
            m_recorder->Fail(GetClientRecords(), SummaryJson(), error);
        }
        catch (const std::exception& e)
        {
            NS_LOG_ERROR("writing summary.json failed too: " << e.what());
        }
    }
    if (m_stopSimulation)
    {
        Simulator::Stop();
    }
}

} // namespace ns3
