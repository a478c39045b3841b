// SPDX-License-Identifier: GPL-2.0-only
/*
 * Require: the learning core's one-line argument check.
 */

#ifndef FEDMOE_LEARNING_REQUIRE_H
#define FEDMOE_LEARNING_REQUIRE_H

#include <stdexcept>
#include <string>

namespace fedmoe
{
namespace learning
{
/** \addtogroup fedmoe-learning
 * @{
 */

/**
 * \brief Throws std::invalid_argument(\p what) unless \p ok.
 * \param ok the condition
 * \param what the message: the bad value and what is allowed
 */
inline void
Require(bool ok, const std::string& what)
{
    if (!ok)
    {
        throw std::invalid_argument(what);
    }
}

/** @} */
} // namespace learning
} // namespace fedmoe

#endif // FEDMOE_LEARNING_REQUIRE_H
