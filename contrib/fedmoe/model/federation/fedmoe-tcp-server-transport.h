// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeTcpServerTransport: the server's links as TCP connections at packet
 * level (ns-3's TCP over whatever network the scenario built).
 */

#ifndef FEDMOE_TCP_SERVER_TRANSPORT_H
#define FEDMOE_TCP_SERVER_TRANSPORT_H

#include "fedmoe-message-framer.h"
#include "fedmoe-server-transport.h"
#include "fedmoe-stream-writer.h"

#include "ns3/address.h"
#include "ns3/socket.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace ns3
{

/**
 * \ingroup fedmoe-federation
 * \brief FedMoeServerTransport over TCP: listens on Port; every accepted
 *        connection is a link; a FedMoeMessageFramer per connection cuts the
 *        byte stream into messages, a FedMoeStreamWriter feeds large ones to
 *        TCP. A message's transfer time runs from the arrival of its first
 *        byte to that of its last; RTT samples are the sockets' "RTT" trace.
 */
class FedMoeTcpServerTransport : public FedMoeServerTransport
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    FedMoeTcpServerTransport();
    ~FedMoeTcpServerTransport() override;

    std::string Start(Ptr<Node> node) override;
    void Send(uint32_t link, Ptr<Packet> message, DeliveredCallback delivered) override;
    void Close(uint32_t link) override;
    void StopAccepting() override;
    void Stop() override;
    void RestartRttWindow() override;
    std::map<uint32_t, Time> GetMinRtts() const override;

  protected:
    void DoDispose() override;

  private:
    /// One TCP connection.
    struct Connection
    {
        Ptr<Socket> socket;                          //!< the socket
        std::unique_ptr<FedMoeMessageFramer> framer; //!< stream -> messages
        std::unique_ptr<FedMoeStreamWriter> writer;  //!< messages -> stream
        Time messageStart;                           //!< first byte of the message being read
        Time minRtt;                                 //!< smallest RTT sample of the window
        DeliveredCallback delivered;                 //!< due when the writer drains
    };

    bool AcceptRequest(Ptr<Socket> socket, const Address& from);
    void HandleAccept(Ptr<Socket> socket, const Address& from);
    void HandleRead(Ptr<Socket> socket);
    void HandlePeerClose(Ptr<Socket> socket);
    void RttSample(uint32_t link, Time oldRtt, Time newRtt);
    void Drained(uint32_t link);
    /// Detaches and closes a connection; keeps the socket alive until disposal.
    void Drop(uint32_t link);

    uint16_t m_port;                          //!< listening port
    uint32_t m_maxPayload;                    //!< framer limit
    bool m_accepting{true};                   //!< new links welcome
    Ptr<Socket> m_listener;                   //!< listening socket
    uint32_t m_nextLink{0};                   //!< id of the next link
    std::map<uint32_t, Connection> m_links;   //!< open links
    std::map<Socket*, uint32_t> m_linkOf;     //!< socket -> link
    std::vector<Ptr<Socket>> m_closedSockets; //!< closed, kept until disposal
};

} // namespace ns3

#endif // FEDMOE_TCP_SERVER_TRANSPORT_H
