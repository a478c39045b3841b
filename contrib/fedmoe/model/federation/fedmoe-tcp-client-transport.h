// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeTcpClientTransport: the client's connection to the server as one
 * ns-3 TCP socket (packet level).
 */

#ifndef FEDMOE_TCP_CLIENT_TRANSPORT_H
#define FEDMOE_TCP_CLIENT_TRANSPORT_H

#include "fedmoe-client-transport.h"
#include "fedmoe-stream-writer.h"

#include "ns3/socket.h"

#include <memory>

namespace ns3
{

/**
 * \ingroup fedmoe-federation
 * \brief FedMoeClientTransport over TCP: a socket, a FedMoeMessageFramer
 *        cutting its byte stream into messages, a FedMoeStreamWriter feeding
 *        large messages to it.
 */
class FedMoeTcpClientTransport : public FedMoeClientTransport
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();

    FedMoeTcpClientTransport();
    ~FedMoeTcpClientTransport() override;

    void Connect(Ptr<Node> node, const Address& server, uint32_t maxPayload) override;
    void Send(Ptr<Packet> message) override;
    void Close(bool orderly) override;

    /** \return the socket (null when not connecting or connected) */
    Ptr<Socket> GetSocket() const;

  protected:
    void DoDispose() override;

  private:
    void Succeeded(Ptr<Socket> socket);
    void Failed(Ptr<Socket> socket);
    void PeerClosed(Ptr<Socket> socket);
    void Lost(Ptr<Socket> socket);
    void HandleRead(Ptr<Socket> socket);
    /// Lets go of the socket; reports nothing.
    void Release(bool orderly);

    Ptr<Socket> m_socket;                          //!< the connection
    uint32_t m_maxPayload{0};                      //!< framer limit
    std::unique_ptr<FedMoeMessageFramer> m_framer; //!< stream -> messages
    FedMoeStreamWriter m_writer;                   //!< messages -> stream
};

} // namespace ns3

#endif // FEDMOE_TCP_CLIENT_TRANSPORT_H
