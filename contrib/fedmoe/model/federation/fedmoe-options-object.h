// SPDX-License-Identifier: GPL-2.0-only
/*
 * FedMoeOptionsObject: an ns-3 Object whose attributes read and write the
 * fields of one plain option struct, so that the struct's defaults are the
 * attributes' (written once) and the plain code takes the struct.
 */

#ifndef FEDMOE_OPTIONS_OBJECT_H
#define FEDMOE_OPTIONS_OBJECT_H

#include "ns3/object.h"

namespace ns3
{

/**
 * \ingroup fedmoe-federation
 * \brief Attribute accessors of the fields of an option struct.
 * \tparam Options the learning core's option struct
 */
template<typename Options>
class FedMoeOptionsObject : public Object
{
  public:
    /** \return the options, as the attributes set them */
    const Options& GetOptions() const
    {
        return m_options;
    }

    /** \param options the new options (all attributes at once) */
    void SetOptions(const Options& options)
    {
        m_options = options;
    }

  protected:
    /**
     * \brief Setter of a field (an attribute accessor).
     * \tparam T the field's type
     * \tparam F the field
     * \param value its new value
     */
    template<typename T, T Options::*F>
    void Set(T value)
    {
        m_options.*F = value;
    }

    /**
     * \brief Getter of a field (an attribute accessor).
     * \tparam T the field's type
     * \tparam F the field
     * \return its value
     */
    template<typename T, T Options::*F>
    T Get() const
    {
        return m_options.*F;
    }

    /**
     * \brief Setter of a field of a part of the struct (an attribute accessor).
     * \tparam P the part's type
     * \tparam T the field's type
     * \tparam Part the part
     * \tparam F the field
     * \param value its new value
     */
    template<typename P, typename T, P Options::*Part, T P::*F>
    void SetIn(T value)
    {
        (m_options.*Part).*F = value;
    }

    /**
     * \brief Getter of a field of a part of the struct (an attribute accessor).
     * \tparam P the part's type
     * \tparam T the field's type
     * \tparam Part the part
     * \tparam F the field
     * \return its value
     */
    template<typename P, typename T, P Options::*Part, T P::*F>
    T GetIn() const
    {
        return (m_options.*Part).*F;
    }

    Options m_options; //!< the fields the attributes set
};

} // namespace ns3

#endif // FEDMOE_OPTIONS_OBJECT_H
