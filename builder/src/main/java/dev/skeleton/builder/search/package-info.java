/**
 * The budget search: which keep ratios to try in which order, training each candidate, measuring its speed, and
 * stopping within the time limit with the fastest candidate whose validation metric stays within the budget.
 */
package dev.skeleton.builder.search;
