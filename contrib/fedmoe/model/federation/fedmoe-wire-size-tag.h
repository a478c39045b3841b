// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeWireSizeTag: the size a message is declared to have on the wire
 * (a large model's experts), when it differs from its real bytes (the
 * small model that really trains). The flow-level network moves the
 * declared size; every count of bytes on the wire reads it.
 */

#ifndef FEDMOE_WIRE_SIZE_TAG_H
#define FEDMOE_WIRE_SIZE_TAG_H

#include "ns3/packet.h"
#include "ns3/tag.h"

#include <cstdint>
#include <vector>

namespace ns3
{

/**
 * \ingroup fedmoe-federation
 * \brief A packet tag: the message's declared size on the wire, bytes.
 */
class FedMoeWireSizeTag : public Tag
{
  public:
    /**
     * \brief Get the type ID.
     * \return the object TypeId
     */
    static TypeId GetTypeId();
    TypeId GetInstanceTypeId() const override;
    uint32_t GetSerializedSize() const override;
    void Serialize(TagBuffer buffer) const override;
    void Deserialize(TagBuffer buffer) override;
    void Print(std::ostream& os) const override;

    /**
     * \param message a message
     * \return its declared size if it has one, else its real size, bytes
     */
    static uint64_t Of(Ptr<const Packet> message);

    /**
     * \brief Declare a message's size on the wire (nothing if it equals the real size).
     * \param message the message
     * \param bytes its size on the wire
     */
    static void Declare(Ptr<Packet> message, uint64_t bytes);

    /**
     * \brief Declared minus real bytes of a message carrying a gate and experts.
     * \param gateBytes the gate's real bytes
     * \param expertBytes each expert's real bytes
     * \param declaredGate the gate's declared bytes (0: real)
     * \param declaredExpert each expert's declared bytes (0: real)
     * \return the difference (0 when nothing is declared)
     */
    static int64_t Delta(uint64_t gateBytes, const std::vector<uint64_t>& expertBytes,
                         uint64_t declaredGate, uint64_t declaredExpert);

  private:
    uint64_t m_bytes{0}; //!< declared size
};

} // namespace ns3

#endif // FEDMOE_WIRE_SIZE_TAG_H
