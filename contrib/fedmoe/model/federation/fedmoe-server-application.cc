// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeServerApplication: HELLO/ASSIGN/UPDATE through a transport, the round
 * deadline as an event; the rounds themselves are FedMoeRoundCoordinator's.
 */

#include "fedmoe-server-application.h"

#include "fedmoe-tcp-server-transport.h"
#include "fedmoe-wall-timer.h"
#include "fedmoe-wire-size-tag.h"

#include "ns3/boolean.h"
#include "ns3/log.h"
#include "ns3/pointer.h"
#include "ns3/simulator.h"
#include "ns3/string.h"
#include "ns3/uinteger.h"

#include <stdexcept>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeServerApplication");

NS_OBJECT_ENSURE_REGISTERED(FedMoeServerApplication);

namespace learning = fedmoe::learning;
namespace sched = fedmoe::scheduling;

namespace
{

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
              .AddAttribute("Policy",
                            "The alignment policy (null: channel-aware with default attributes).",
                            PointerValue(), MakePointerAccessor(&S::m_policy),
                            MakePointerChecker<FedMoeAlignmentPolicy>())
              .AddAttribute("RoundOptions",
                            "Rounds, participation, local steps, target, alignment constraints "
                            "and score smoothing (null: a FedMoeRoundOptions with its "
                            "attributes' defaults).",
                            PointerValue(), MakePointerAccessor(&S::m_roundOptions),
                            MakePointerChecker<FedMoeRoundOptions>())
              .AddAttribute("RoundDeadline",
                            "Time from a round's start by which UPDATEs must have arrived; "
                            "later ones are dropped.",
                            TimeValue(Seconds(60)), MakeTimeAccessor(&S::m_deadline),
                            MakeTimeChecker(MilliSeconds(1)))
              .AddAttribute("OutputDirectory",
                            "Where rounds.csv, assignments.csv, clients.csv and summary.json go "
                            "(empty: no files); read by FedMoeHelper, which connects the records.",
                            StringValue(""), MakeStringAccessor(&S::m_outDir), MakeStringChecker())
              .AddAttribute("MaxPayload", "Largest message payload accepted from a client, bytes.",
                            UintegerValue(256u << 20), MakeUintegerAccessor(&S::m_maxPayload),
                            MakeUintegerChecker<uint32_t>(1))
              .AddAttribute("Aggregation",
                            "How updates are merged (null: a FedMoeAggregation with its "
                            "attributes' defaults).",
                            PointerValue(), MakePointerAccessor(&S::m_aggregation),
                            MakePointerChecker<FedMoeAggregation>())
              .AddAttribute("Transport",
                            "How clients are reached (null: FedMoeTcpServerTransport on Port, "
                            "with MaxPayload).",
                            PointerValue(), MakePointerAccessor(&S::m_transport),
                            MakePointerChecker<FedMoeServerTransport>())
              .AddAttribute("Port", "TCP port the server listens on.", UintegerValue(7100),
                            MakeUintegerAccessor(&S::m_port), MakeUintegerChecker<uint16_t>())
              .AddAttribute("MaxClients",
                            "Client ids a HELLO may claim: 0..MaxClients-1 (others are "
                            "rejected; the scores hold one row per id).",
                            UintegerValue(65536), MakeUintegerAccessor(&S::m_maxClients),
                            MakeUintegerChecker<uint32_t>(1))
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
              .AddAttribute("Progress",
                            "Print a progress line per round on stderr (FedMoeHelper connects it).",
                            BooleanValue(true), MakeBooleanAccessor(&S::m_progressEnabled),
                            MakeBooleanChecker())
              .AddAttribute("Oracle",
                            "The scheduler sees each client's true link rates, delay and "
                            "compute speed (what the simulator knows; FedMoeHelper supplies them, "
                            "p2p only) instead of what the server observed: the bound of what "
                            "observation can reach.",
                            BooleanValue(false), MakeBooleanAccessor(&S::m_oracle),
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
              .AddTraceSource("ParticipantRecorded",
                              "How a picked client fared in a closed round (participants.csv "
                              "row).",
                              MakeTraceSourceAccessor(&S::m_participantRecorded),
                              "ns3::FedMoeServerApplication::ParticipantCallback")
              .AddTraceSource("RoundCompleted", "A round was completed: its record.",
                              MakeTraceSourceAccessor(&S::m_roundCompleted),
                              "ns3::FedMoeServerApplication::RoundCompletedCallback")
              .AddTraceSource("RunEnded",
                              "The run ended: summary (JSON object), client records, error "
                              "(empty: none).",
                              MakeTraceSourceAccessor(&S::m_runEnded),
                              "ns3::FedMoeServerApplication::RunEndedCallback");
    return tid;
}

FedMoeServerApplication::FedMoeServerApplication()
    : m_deadline(Seconds(60)),
      m_maxPayload(256u << 20),
      m_port(7100),
      m_maxClients(65536),
      m_expectedClients(0),
      m_helloTimeout(Seconds(10)),
      m_stopSimulation(true),
      m_progressEnabled(true),
      m_participantRng(CreateObject<UniformRandomVariable>()),
      m_seedRng(CreateObject<UniformRandomVariable>())
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
    if (m_transport)
    {
        m_transport->Dispose();
    }
    m_transport = nullptr;
    m_policy = nullptr;
    m_aggregation = nullptr;
    m_executor = nullptr;
    m_coordinator.reset();
    m_participantRng = nullptr;
    m_seedRng = nullptr;
    Application::DoDispose();
}

void
FedMoeServerApplication::SetExecutor(Ptr<FedMoeTrainingExecutor> executor)
{
    m_executor = executor;
}

void
FedMoeServerApplication::SetClientTruth(uint32_t client, const sched::ChannelObservation& truth)
{
    if (m_oracle)
    {
        m_scoreboard.SetTruth(client, truth);
    }
}

bool
FedMoeServerApplication::IsOracle() const
{
    return m_oracle;
}

void
FedMoeServerApplication::SetClientDistance(uint32_t client, double metres)
{
    m_scoreboard.SetDistance(client, metres);
}

Ptr<FedMoeChannelEstimator>
FedMoeServerApplication::GetUplinkEstimator() const
{
    return m_observer.GetUplinkEstimator();
}

const FedMoeRoundCoordinator*
FedMoeServerApplication::GetCoordinator() const
{
    return m_coordinator.get();
}

uint32_t
FedMoeServerApplication::GetRoundsCompleted() const
{
    return m_coordinator ? static_cast<uint32_t>(m_coordinator->GetRecords().size()) : 0;
}

uint64_t
FedMoeServerApplication::GetRejectedCount() const
{
    return m_rejected;
}

uint64_t
FedMoeServerApplication::GetDroppedCount() const
{
    return m_coordinator ? m_coordinator->GetDroppedCount() : 0;
}

const std::string&
FedMoeServerApplication::GetError() const
{
    return m_error;
}

double
FedMoeServerApplication::GetFinalAccuracy() const
{
    return m_coordinator ? m_coordinator->GetFinalAccuracy()
                         : std::numeric_limits<double>::quiet_NaN();
}

double
FedMoeServerApplication::GetSerialisationWallSeconds() const
{
    return m_wallSerialisation + (m_coordinator ? m_coordinator->GetEncodingWallSeconds() : 0.0);
}

std::vector<FedMoeClientRecord>
FedMoeServerApplication::GetClientRecords() const
{
    return m_scoreboard.ClientRecords(
        [this](uint32_t id) -> uint64_t
        {
            return m_executor ? m_executor->GetShard(id).size() : 0;
        });
}

int64_t
FedMoeServerApplication::AssignStreams(int64_t stream)
{
    m_participantRng->SetStream(stream);
    m_seedRng->SetStream(stream + 1);
    if (!m_policy)
    {
        m_policy = FedMoeAlignmentPolicy::Create("channel-aware");
    }
    return 2 + m_policy->AssignStreams(stream + 2);
}

// --- links -----------------------------------------------------------------

void
FedMoeServerApplication::StartApplication()
{
    NS_LOG_FUNCTION(this);
    if (!m_executor || !m_executor->GetModel())
    {
        Fail("FedMoeServerApplication: no training executor with a model (SetExecutor)");
        return;
    }
    if (!m_policy)
    {
        m_policy = FedMoeAlignmentPolicy::Create("channel-aware");
    }
    if (!m_aggregation)
    {
        m_aggregation = CreateObject<FedMoeAggregation>();
    }
    if (!m_roundOptions)
    {
        m_roundOptions = CreateObject<FedMoeRoundOptions>();
    }
    m_settings = m_roundOptions->GetOptions();
    m_settings.aggregation = m_aggregation->GetOptions();
    m_settings.deadlineS = m_deadline.GetSeconds();
    m_observer.SetComputeSmoothing(m_settings.completionSmoothing);
    try
    {
        m_coordinator = std::make_unique<FedMoeRoundCoordinator>(
            m_executor->GetModel(), m_settings,
            [this](const sched::AlignmentInput& input)
            {
                return m_policy->Assign(input);
            },
            [this](uint32_t client) -> const std::vector<int64_t>&
            {
                return m_executor->GetShard(client);
            },
            m_scoreboard);
    }
    catch (const std::exception& e)
    {
        Fail(e.what());
        return;
    }
    m_coordinator->SetHoldouts(
        [this](uint32_t client) -> const std::vector<int64_t>&
        {
            return m_executor->GetHoldout(client);
        });
    if (!m_transport)
    {
        m_transport = CreateObjectWithAttributes<FedMoeTcpServerTransport>(
            "Port", UintegerValue(m_port), "MaxPayload", UintegerValue(m_maxPayload));
    }
    m_transport->SetReceiveCallbacks(MakeCallback(&FedMoeServerApplication::HandleMessage, this),
                                     MakeCallback(&FedMoeServerApplication::HandleRejected, this),
                                     MakeCallback(&FedMoeServerApplication::HandleBytes, this),
                                     MakeCallback(&FedMoeServerApplication::HandleClosed, this));
    const std::string error = m_transport->Start(GetNode());
    if (!error.empty())
    {
        Fail("FedMoeServerApplication: " + error);
        return;
    }
    m_startEvent
        = Simulator::Schedule(m_helloTimeout, &FedMoeServerApplication::StartFirstRound, this);
}

void
FedMoeServerApplication::StopApplication()
{
    NS_LOG_FUNCTION(this);
    Simulator::Cancel(m_startEvent);
    Simulator::Cancel(m_deadlineEvent);
    if (m_transport)
    {
        m_transport->StopAccepting();
    }
}

// --- rounds ----------------------------------------------------------------

void
FedMoeServerApplication::StartFirstRound()
{
    if (m_started || m_finished)
    {
        return;
    }
    m_started = true;
    if (m_scoreboard.ConnectedCount() == 0)
    {
        Fail("no client said HELLO within " + std::to_string(m_helloTimeout.GetSeconds())
             + " s of the server's start");
        return;
    }
    try
    {
        m_coordinator->Begin(m_expectedClients);
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
    m_roundStart = Simulator::Now();
    m_roundBytesDown = 0;
    m_roundBytesUp = 0;
    m_roundUnusedBytesUp = 0;
    m_transport->RestartRttWindow();
    FedMoeRoundPlan plan;
    try
    {
        plan = m_coordinator->Plan(m_roundStart.GetSeconds(),
                                   (m_roundStart + m_deadline).GetSeconds(),
                                   DrawSeed(m_participantRng),
                                   [this]()
                                   {
                                       return DrawSeed(m_seedRng);
                                   });
    }
    catch (const std::exception& e)
    {
        Fail("round " + std::to_string(m_coordinator->GetRound()) + ": " + e.what());
        return;
    }
    m_roundStarted(plan.round, plan.participants);
    m_assignmentDecided(plan.round, plan.assignment);
    m_executor->Submit(plan.round, plan.jobs, plan.assigns);
    for (std::size_t i = 0; i < plan.jobs.size(); ++i)
    {
        const uint32_t client = plan.jobs[i].client;
        const FedMoeBytes& payload = plan.assigns[i];
        Ptr<Packet> packet;
        {
            FedMoeWallTimer timer(m_wallSerialisation);
            packet = FedMoeMessageFramer::Encode(FedMoeMessageType::ASSIGN, plan.round, client,
                                                 payload);
        }
        // A declared (large-model) size is what the wire carries and what is counted.
        const uint64_t wire = packet->GetSize() + plan.wireDelta[i];
        FedMoeWireSizeTag::Declare(packet, wire);
        m_observer.AssignQueued(client, plan.round, wire, m_coordinator->PlannedFlops(client));
        m_roundBytesDown += wire;
        auto link = m_clientLinks.find(client);
        if (link != m_clientLinks.end())
        {
            m_transport->Send(
                link->second, packet,
                MakeCallback(&FedMoeServerApplication::AssignDelivered, this, plan.round, client));
        }
        m_assignSent(plan.round, client, payload);
    }
    NS_LOG_INFO("round " << plan.round << ": " << plan.participants << " participants, "
                         << plan.assignment.size() << " assigned, " << m_roundBytesDown
                         << " B of ASSIGNs");
    m_deadlineEvent = Simulator::Schedule(plan.assignment.empty() ? Time(0) : m_deadline,
                                          &FedMoeServerApplication::CloseRound, this);
}

void
FedMoeServerApplication::CloseRound()
{
    NS_LOG_FUNCTION(this);
    if (!RoundOpen())
    {
        return;
    }
    Simulator::Cancel(m_deadlineEvent);
    const uint32_t round = m_coordinator->GetRound();
    FedMoeRoundOutcome outcome;
    try
    {
        outcome = m_coordinator->Close(Simulator::Now().GetSeconds(), m_roundBytesDown,
                                       m_roundBytesUp, m_roundUnusedBytesUp);
    }
    catch (const std::exception& e)
    {
        Fail("round " + std::to_string(round) + ": " + e.what());
        return;
    }
    for (const auto& [client, why] : outcome.refused)
    {
        Reject(round, client, FedMoeRejection::BAD_PAYLOAD, why);
    }
    for (uint32_t client : outcome.dropped)
    {
        NS_LOG_INFO("round " << round << ": client " << client << " dropped");
        m_clientDropped(round, client);
    }
    for (const auto& [link, rtt] : m_transport->GetMinRtts())
    {
        auto it = m_links.find(link);
        if (it != m_links.end())
        {
            m_observer.RecordRtt(it->second, rtt);
        }
    }
    m_executor->EndRound(round);
    for (const FedMoeParticipantRecord& p : outcome.participants)
    {
        m_participantRecorded(p);
    }
    m_roundCompleted(outcome.record);
    if (outcome.runOver)
    {
        Finish();
        return;
    }
    Simulator::ScheduleNow(&FedMoeServerApplication::StartRound, this);
}

} // namespace ns3
