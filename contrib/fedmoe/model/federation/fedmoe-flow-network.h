// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeFlowNetwork: a flow-level network in ns-3's simulator. Each message
 * is a flow; flows that cross the same resources (a link, a cell's airtime,
 * a backhaul) share them as FedMoeShareCapacity says, and every change of
 * the set of flows or of their channels re-solves the shares of the flows
 * it touches. A connection carries its messages in order, as TCP does;
 * TCP's slow start, its window and its response to loss bound each flow.
 * The flow transports (fedmoe-flow-transport.h) put the server and the
 * clients on it behind the same seams as TCP.
 */

#ifndef FEDMOE_FLOW_NETWORK_H
#define FEDMOE_FLOW_NETWORK_H

#include "fedmoe-flow-access.h"
#include "fedmoe-flow-sharing.h"

#include "ns3/callback.h"
#include "ns3/event-id.h"
#include "ns3/nstime.h"
#include "ns3/object.h"
#include "ns3/packet.h"
#include "ns3/traced-callback.h"

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <vector>

namespace ns3
{

/**
 * \ingroup fedmoe-federation
 * \brief Messages as flows over shared resources, with TCP's start-up,
 *        window and loss as bounds.
 *
 * A transfer of S payload bytes on a path of one-way latency L, alone on a
 * resource of rate C (after the access's efficiency), with a congestion
 * window already open, takes S / (C x SegmentSize / (SegmentSize +
 * HeaderBytes)) + L. A connection's window starts at InitialWindow segments
 * and doubles every round trip (2 L) of data sent until it carries the
 * path's bandwidth-delay product or MaxWindow; the round trips spent short
 * of it are the start-up cost, paid once per connection and direction (the
 * window stays open between messages, as ns-3's TCP keeps it). A flow is
 * bounded by MaxWindow / RTT, and on a lossy path by Mathis et al.'s
 * MSS / RTT x sqrt(3 / (2 p)) (CCR 27(3), 1997).
 */
class FedMoeFlowNetwork : public Object
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    FedMoeFlowNetwork();
    ~FedMoeFlowNetwork() override;

    /// A message was delivered to the receiving end: its bytes, the time from
    /// its first to its last byte there.
    using DeliverCallback = Callback<void, Ptr<Packet>, Time>;
    /// An event of a connection (up, refused, closed by the other end).
    using EventCallback = Callback<void>;
    /// A connection was accepted at the server: its id.
    using AcceptCallback = Callback<void, uint32_t>;

    /**
     * \brief Set the links (once, before anything connects).
     * \param access the clients' links
     */
    void SetAccess(Ptr<FedMoeFlowAccess> access);
    /** \return the links (null before SetAccess) */
    Ptr<FedMoeFlowAccess> GetAccess() const;

    /**
     * \brief Add a resource (for FedMoeFlowAccess::Attach).
     * \param capacity units per second (a link: bit/s; a cell's airtime: 1)
     * \return its index
     */
    uint32_t AddResource(double capacity);

    /**
     * \param resource a resource
     * \return the flows crossing it now
     */
    uint32_t GetActiveFlows(uint32_t resource) const;

    /**
     * \brief The server listens (its transport starts) or stops accepting.
     * \param accept called with each connection accepted (null: refuse new ones)
     */
    void Listen(AcceptCallback accept);

    /**
     * \brief A client opens a connection: after a round trip it is up (or
     *        refused, if the server does not listen).
     * \param client the client (< the access's clients)
     * \param connected called when up
     * \param refused called when refused
     * \param deliver messages from the server
     * \param closed the server closed it
     * \return the connection's id
     */
    uint32_t Connect(uint32_t client, EventCallback connected, EventCallback refused,
                     DeliverCallback deliver, EventCallback closed);

    /**
     * \brief The server's end of a connection (on acceptance).
     * \param connection the connection
     * \param deliver messages from the client
     * \param closed the client closed it
     */
    void SetServerCallbacks(uint32_t connection, DeliverCallback deliver, EventCallback closed);

    /**
     * \brief Send a message on a connection, after what it carries already.
     * \param connection the connection
     * \param direction UP from the client, DOWN from the server
     * \param message the bytes
     * \param acknowledged called when the sender would see it acknowledged
     *        (one latency after its last byte arrived; may be null)
     */
    void Send(uint32_t connection, FedMoeFlowDirection direction, Ptr<Packet> message,
              EventCallback acknowledged);

    /**
     * \brief Close a connection: what it carries is dropped; the other end
     *        is told one latency later.
     * \param connection the connection
     * \param by which end closes (UP: the client, DOWN: the server)
     * \param notify tell the other end
     */
    void Close(uint32_t connection, FedMoeFlowDirection by, bool notify = true);

    /**
     * \param connection a connection
     * \return its round-trip time now (0 if it is closed)
     */
    Time GetRtt(uint32_t connection) const;

    /**
     * \param connection a connection
     * \return its client
     */
    uint32_t GetClient(uint32_t connection) const;

    /** \return flows completed so far */
    uint64_t GetFlowsCompleted() const;
    /** \return times the shares were solved */
    uint64_t GetSolves() const;

    /**
     * \brief TracedCallback signature for a completed flow.
     * \param client the client
     * \param direction 0 up, 1 down
     * \param bytes payload bytes
     * \param seconds from start (start-up included) to the last byte sent
     */
    typedef void (*FlowCallback)(uint32_t client, uint8_t direction, uint64_t bytes,
                                 double seconds);

  protected:
    void DoDispose() override;

  private:
    struct Message
    {
        Ptr<Packet> packet;         //!< the bytes
        EventCallback acknowledged; //!< for the sender
    };

    struct Side
    {
        std::deque<Message> queue; //!< messages waiting, the first one in flight
        double windowBytes{0};     //!< congestion window reached
        uint32_t flow{0};          //!< flow of the first message (0: none)
        EventId start;             //!< its start once the start-up cost is paid
    };

    struct Connection
    {
        uint32_t client{0};         //!< the client
        bool open{true};            //!< not closed
        bool accepted{false};       //!< the server took it
        DeliverCallback toClient;   //!< DOWN messages
        EventCallback clientClosed; //!< the server closed it
        DeliverCallback toServer;   //!< UP messages
        EventCallback serverClosed; //!< the client closed it
        Side side[2];               //!< per direction (FedMoeFlowDirection)
    };

    struct Flow
    {
        uint32_t connection{0};        //!< its connection
        FedMoeFlowDirection direction; //!< its direction
        double bitsLeft{0};            //!< payload bits still to send
        double rate{0};                //!< payload bit/s now
        double updated{0};             //!< when bitsLeft was last advanced, s
        double started{0};             //!< when it was created, s
        double active{0};              //!< when it began to send, s
        double finish{0};              //!< expected end at the current rate, s (inf: none)
        FedMoeFlowPath path;           //!< the path as last read
    };

    void Accept(uint32_t connection);
    void StartHead(uint32_t connection, FedMoeFlowDirection direction);
    void Activate(uint32_t flow);
    void Finish();
    void Refresh();
    /// Advances, re-reads paths of and re-solves the flows sharing with these resources.
    void Resolve(const std::vector<uint32_t>& resources);
    void Reschedule();
    void Remove(uint32_t flow);
    FedMoeFlowDemand DemandOf(const Flow& flow) const;
    /// The flow's rate if it were alone on its path (its connection's RTT bounds it).
    double AloneRate(const Flow& flow) const;
    std::vector<uint32_t> ResourcesOf(const FedMoeFlowPath& path) const;
    Time Latency(uint32_t client, FedMoeFlowDirection direction) const;

    uint32_t m_segment;       //!< payload bytes per segment
    uint32_t m_headerBytes;   //!< headers per segment on the wire
    uint32_t m_initialWindow; //!< segments
    uint32_t m_maxWindow;     //!< bytes
    Time m_refreshInterval;   //!< re-read of time-varying paths

    Ptr<FedMoeFlowAccess> m_access;                   //!< the links
    bool m_attached{false};                           //!< access attached
    AcceptCallback m_accept;                          //!< the server (null: refusing)
    std::vector<double> m_capacity;                   //!< per resource
    std::vector<std::set<uint32_t>> m_users;          //!< per resource, active flows
    std::map<uint32_t, Connection> m_connections;     //!< by id
    std::map<uint32_t, Flow> m_flows;                 //!< by id (active or starting)
    std::set<std::pair<double, uint32_t>> m_finishes; //!< (end, flow) of active flows
    uint32_t m_nextConnection{0};                     //!< ids
    uint32_t m_nextFlow{1};                           //!< ids (0: none)
    EventId m_finishEvent;                            //!< the earliest end
    double m_finishEventAt{-1};                       //!< when it fires, s
    EventId m_refreshEvent;                           //!< periodic re-read
    uint64_t m_completed{0};                          //!< flows done
    uint64_t m_solves{0};                             //!< solver calls
    TracedCallback<uint32_t, uint8_t, uint64_t, double> m_flowCompleted; //!< trace
};

} // namespace ns3

#endif // FEDMOE_FLOW_NETWORK_H
