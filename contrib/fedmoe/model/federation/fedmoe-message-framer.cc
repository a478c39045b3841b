// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeMessageFramer: rebuilds fedmoe messages from a TCP byte stream.
 */

#include "fedmoe-message-framer.h"

#include "ns3/buffer.h"
#include "ns3/log.h"

namespace ns3
{

NS_LOG_COMPONENT_DEFINE("FedMoeMessageFramer");

FedMoeMessageFramer::FedMoeMessageFramer(uint32_t maxPayloadLength)
    : m_maxPayloadLength(maxPayloadLength)
{
}

void
FedMoeMessageFramer::Append(Ptr<const Packet> packet)
{
    const uint32_t size = packet->GetSize();
    m_totalBytes += size;
    if (m_broken || size == 0)
    {
        return;
    }
    const size_t old = m_buffer.size();
    m_buffer.resize(old + size);
    packet->CopyData(m_buffer.data() + old, size);
}

void
FedMoeMessageFramer::Append(const uint8_t* data, size_t size)
{
    m_totalBytes += size;
    if (m_broken || size == 0)
    {
        return;
    }
    m_buffer.insert(m_buffer.end(), data, data + size);
}

FedMoeMessageFramer::Result
FedMoeMessageFramer::Next()
{
    Result result;
    if (m_broken || GetBufferedBytes() < FedMoeHeader::SERIALIZED_SIZE)
    {
        return result;
    }
    Buffer headerBytes;
    headerBytes.AddAtStart(FedMoeHeader::SERIALIZED_SIZE);
    headerBytes.Begin().Write(m_buffer.data() + m_offset, FedMoeHeader::SERIALIZED_SIZE);
    result.message.header.Deserialize(headerBytes.Begin());
    const FedMoeHeader& header = result.message.header;

    result.reason = header.Validate(m_maxPayloadLength);
    if (result.reason != FedMoeRejection::NONE)
    {
        NS_LOG_WARN("rejected header (" << ToString(result.reason) << "): " << header);
        m_broken = true;
        m_buffer.clear();
        m_buffer.shrink_to_fit();
        m_offset = 0;
        result.status = Status::REJECTED;
        return result;
    }
    const size_t messageSize = FedMoeHeader::SERIALIZED_SIZE + header.GetPayloadLength();
    if (GetBufferedBytes() < messageSize)
    {
        result.message.header = FedMoeHeader();
        return result; // NEED_MORE
    }
    const uint8_t* payload = m_buffer.data() + m_offset + FedMoeHeader::SERIALIZED_SIZE;
    result.reason = header.ValidatePayload(payload, header.GetPayloadLength());
    if (result.reason == FedMoeRejection::NONE)
    {
        result.status = Status::MESSAGE;
        result.message.payload.assign(payload, payload + header.GetPayloadLength());
    }
    else
    {
        NS_LOG_WARN("rejected payload (" << ToString(result.reason) << "): " << header);
        result.status = Status::REJECTED;
    }
    m_offset += messageSize;
    // Compact once the consumed prefix dominates, so appends stay amortised O(1).
    if (m_offset > m_buffer.size() / 2)
    {
        m_buffer.erase(m_buffer.begin(), m_buffer.begin() + static_cast<std::ptrdiff_t>(m_offset));
        m_offset = 0;
    }
    return result;
}

bool
FedMoeMessageFramer::IsBroken() const
{
    return m_broken;
}

size_t
FedMoeMessageFramer::GetBufferedBytes() const
{
    return m_buffer.size() - m_offset;
}

uint64_t
FedMoeMessageFramer::GetTotalBytes() const
{
    return m_totalBytes;
}

Ptr<Packet>
FedMoeMessageFramer::Encode(FedMoeMessageType type, uint32_t round, uint32_t clientId,
                            const std::vector<uint8_t>& payload)
{
    Ptr<Packet> packet = Create<Packet>(payload.data(), payload.size());
    packet->AddHeader(FedMoeHeader(type, round, clientId, payload));
    return packet;
}

} // namespace ns3
