// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeStreamWriter: whole messages fed to a TCP socket as its buffer frees.
 */

#include "fedmoe-stream-writer.h"

#include "ns3/log.h"
#include "ns3/tcp-socket.h"
#include "ns3/uinteger.h"

#include <algorithm>

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeStreamWriter");

FedMoeStreamWriter::FedMoeStreamWriter() = default;

void
FedMoeStreamWriter::Attach(Ptr<Socket> socket)
{
    m_socket = socket;
    m_bufferSize = 0;
    if (auto tcp = DynamicCast<TcpSocket>(socket))
    {
        UintegerValue size;
        tcp->GetAttribute("SndBufSize", size);
        m_bufferSize = static_cast<uint32_t>(size.Get());
    }
    m_socket->SetSendCallback(MakeCallback(&FedMoeStreamWriter::OnSendReady, this));
}

void
FedMoeStreamWriter::Detach()
{
    if (m_socket)
    {
        m_socket->SetSendCallback(MakeNullCallback<void, Ptr<Socket>, uint32_t>());
    }
    m_socket = nullptr;
    m_queue.clear();
    m_offset = 0;
    m_queuedBytes = 0;
    m_waitingForDrain = false;
}

void
FedMoeStreamWriter::Send(Ptr<Packet> packet)
{
    m_queue.push_back(packet);
    m_queuedBytes += packet->GetSize();
    m_waitingForDrain = true;
    Pump();
}

void
FedMoeStreamWriter::SetDrainedCallback(DrainedCallback cb)
{
    m_drained = cb;
}

uint64_t
FedMoeStreamWriter::GetQueuedBytes() const
{
    return m_queuedBytes;
}

uint64_t
FedMoeStreamWriter::GetSentBytes() const
{
    return m_sentBytes;
}

bool
FedMoeStreamWriter::TcpIdle() const
{
    return m_bufferSize > 0 && m_socket->GetTxAvailable() >= m_bufferSize;
}

void
FedMoeStreamWriter::Pump()
{
    if (!m_socket)
    {
        return;
    }
    while (!m_queue.empty())
    {
        const uint32_t room = m_socket->GetTxAvailable();
        if (room == 0)
        {
            return;
        }
        Ptr<Packet> front = m_queue.front();
        const uint32_t left = front->GetSize() - m_offset;
        const uint32_t n = std::min(room, left);
        Ptr<Packet> piece
            = (m_offset == 0 && n == front->GetSize()) ? front : front->CreateFragment(m_offset, n);
        const int sent = m_socket->Send(piece);
        if (sent <= 0)
        {
            NS_LOG_DEBUG("Send refused (" << sent << "), errno " << m_socket->GetErrno());
            return;
        }
        m_offset += static_cast<uint32_t>(sent);
        m_queuedBytes -= static_cast<uint64_t>(sent);
        m_sentBytes += static_cast<uint64_t>(sent);
        if (m_offset == front->GetSize())
        {
            m_queue.pop_front();
            m_offset = 0;
        }
    }
}

void
FedMoeStreamWriter::OnSendReady(Ptr<Socket> /* socket */, uint32_t /* available */)
{
    Pump();
    if (m_queue.empty() && m_waitingForDrain && TcpIdle())
    {
        m_waitingForDrain = false;
        if (!m_drained.IsNull())
        {
            m_drained();
        }
    }
}

} // namespace ns3
