// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeWireSizeTag: declared sizes on the wire.
 */

#include "fedmoe-wire-size-tag.h"

namespace ns3
{

NS_OBJECT_ENSURE_REGISTERED(FedMoeWireSizeTag);

TypeId
FedMoeWireSizeTag::GetTypeId()
{
    static TypeId tid = TypeId("ns3::FedMoeWireSizeTag")
                            .SetParent<Tag>()
                            .SetGroupName("FedMoe")
                            .AddConstructor<FedMoeWireSizeTag>();
    return tid;
}

TypeId
FedMoeWireSizeTag::GetInstanceTypeId() const
{
    return GetTypeId();
}

uint32_t
FedMoeWireSizeTag::GetSerializedSize() const
{
    return 8;
}

void
FedMoeWireSizeTag::Serialize(TagBuffer buffer) const
{
    buffer.WriteU64(m_bytes);
}

void
FedMoeWireSizeTag::Deserialize(TagBuffer buffer)
{
    m_bytes = buffer.ReadU64();
}

void
FedMoeWireSizeTag::Print(std::ostream& os) const
{
    os << "wire=" << m_bytes;
}

uint64_t
FedMoeWireSizeTag::Of(Ptr<const Packet> message)
{
    FedMoeWireSizeTag tag;
    return message->PeekPacketTag(tag) ? tag.m_bytes : message->GetSize();
}

void
FedMoeWireSizeTag::Declare(Ptr<Packet> message, uint64_t bytes)
{
    FedMoeWireSizeTag tag;
    message->RemovePacketTag(tag);
    if (bytes != message->GetSize())
    {
        tag.m_bytes = bytes;
        message->AddPacketTag(tag);
    }
}

int64_t
FedMoeWireSizeTag::Delta(uint64_t gateBytes, const std::vector<uint64_t>& expertBytes,
                         uint64_t declaredGate, uint64_t declaredExpert)
{
    int64_t delta = 0;
    if (declaredGate > 0)
    {
        delta += static_cast<int64_t>(declaredGate) - static_cast<int64_t>(gateBytes);
    }
    if (declaredExpert > 0)
    {
        for (uint64_t bytes : expertBytes)
        {
            delta += static_cast<int64_t>(declaredExpert) - static_cast<int64_t>(bytes);
        }
    }
    return delta;
}

} // namespace ns3
