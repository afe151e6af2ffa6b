/* The balloon's arithmetic (balloon_plan.h). */
#include "balloon_plan.h"

uint64_t balloon_clamp(uint64_t target, uint64_t floor, uint64_t ceiling)
{
	if (target > ceiling)
		target = ceiling;
	if (target < floor)
		target = floor;
	return target;
}

int balloon_step(uint64_t cur, uint64_t target, uint64_t floor, uint64_t ceiling)
{
	uint64_t want = balloon_clamp(target, floor, ceiling);

	if (cur < want)
		return 1;
	if (cur > want)
		return -1;
	return 0;
}
