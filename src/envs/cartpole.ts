/**
 * CartPole-v1, ported from Gymnasium's classic_control/cartpole.py: the same constants, the same
 * Euler integration, termination at |x| > 2.4 or |theta| > 12 degrees, reward 1 for every step
 * (the terminating one included) and truncation after 500 steps. The state is kept in float64 like
 * the original; observations are written as float32.
 */
import type { Rng } from "../core/random/rng.js";

const GRAVITY = 9.8;
const MASS_CART = 1.0;
const MASS_POLE = 0.1;
const TOTAL_MASS = MASS_POLE + MASS_CART;
const LENGTH = 0.5; // half the pole's length
const POLE_MASS_LENGTH = MASS_POLE * LENGTH;
const FORCE_MAG = 10.0;
const TAU = 0.02;
const THETA_THRESHOLD = (12 * 2 * Math.PI) / 360;
const X_THRESHOLD = 2.4;

export interface StepResult {
  reward: number;
  terminated: boolean;
  truncated: boolean;
}

export class CartPole {
  static readonly obsSize = 4;
  static readonly actions = 2;
  readonly maxSteps: number;
  private x = 0;
  private xDot = 0;
  private theta = 0;
  private thetaDot = 0;
  private steps = 0;
  private done = true;
  private readonly result: StepResult = { reward: 0, terminated: false, truncated: false };

  constructor(maxSteps = 500) {
    this.maxSteps = maxSteps;
  }

  /** Starts an episode: each state variable uniform in [-0.05, 0.05]. Writes the observation. */
  reset(rng: Rng, obs: Float32Array, offset = 0): void {
    this.x = rng.uniform(-0.05, 0.05);
    this.xDot = rng.uniform(-0.05, 0.05);
    this.theta = rng.uniform(-0.05, 0.05);
    this.thetaDot = rng.uniform(-0.05, 0.05);
    this.steps = 0;
    this.done = false;
    this.observe(obs, offset);
  }

  /** Applies action 0 (push left) or 1 (push right); writes the next observation. */
  step(action: number, obs: Float32Array, offset = 0): StepResult {
    if (this.done) throw new Error("CartPole.step: the episode is over; call reset()");
    if (action !== 0 && action !== 1) throw new RangeError(`CartPole.step: action must be 0 or 1, got ${action}`);
    const force = action === 1 ? FORCE_MAG : -FORCE_MAG;
    const cos = Math.cos(this.theta);
    const sin = Math.sin(this.theta);
    const temp = (force + POLE_MASS_LENGTH * this.thetaDot * this.thetaDot * sin) / TOTAL_MASS;
    const thetaAcc = (GRAVITY * sin - cos * temp) / (LENGTH * (4.0 / 3.0 - (MASS_POLE * cos * cos) / TOTAL_MASS));
    const xAcc = temp - (POLE_MASS_LENGTH * thetaAcc * cos) / TOTAL_MASS;
    this.x += TAU * this.xDot;
    this.xDot += TAU * xAcc;
    this.theta += TAU * this.thetaDot;
    this.thetaDot += TAU * thetaAcc;
    this.steps++;
    const terminated = this.x < -X_THRESHOLD || this.x > X_THRESHOLD || this.theta < -THETA_THRESHOLD || this.theta > THETA_THRESHOLD;
    const truncated = !terminated && this.steps >= this.maxSteps;
    this.done = terminated || truncated;
    this.observe(obs, offset);
    const r = this.result;
    r.reward = 1;
    r.terminated = terminated;
    r.truncated = truncated;
    return r;
  }

  /** The full state (for checkpoints and tests). */
  getState(): { x: number; xDot: number; theta: number; thetaDot: number; steps: number; done: boolean } {
    return { x: this.x, xDot: this.xDot, theta: this.theta, thetaDot: this.thetaDot, steps: this.steps, done: this.done };
  }

  setState(s: { x: number; xDot: number; theta: number; thetaDot: number; steps: number; done: boolean }): void {
    ({ x: this.x, xDot: this.xDot, theta: this.theta, thetaDot: this.thetaDot, steps: this.steps, done: this.done } = s);
  }

  private observe(obs: Float32Array, offset: number): void {
    obs[offset] = this.x;
    obs[offset + 1] = this.xDot;
    obs[offset + 2] = this.theta;
    obs[offset + 3] = this.thetaDot;
  }
}
